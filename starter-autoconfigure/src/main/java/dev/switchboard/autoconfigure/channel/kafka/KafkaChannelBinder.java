package dev.switchboard.autoconfigure.channel.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

import dev.switchboard.core.channel.ChannelBinder;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ChannelPublishException;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.DeadLetterHeaders;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.MessageHandler;
import dev.switchboard.core.channel.ReplyTimeoutException;
import dev.switchboard.core.channel.RetrySettings;
import dev.switchboard.core.channel.Subscription;
import dev.switchboard.core.channel.UnreadableMessageException;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer.HeaderNames.HeadersToAdd;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.requestreply.KafkaReplyTimeoutException;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * A {@link dev.switchboard.core.channel.ChannelBinder} on Apache Kafka through Spring Kafka: a destination is a
 * topic (created with {@code partitions} partitions when missing), a consumer group is a Kafka consumer group, the
 * message key is the record key.
 * <ul>
 * <li>{@link #send} uses an idempotent producer with {@code acks=all}; its future completes when every in-sync
 * replica has the record.</li>
 * <li>Each subscription is a {@link ConcurrentMessageListenerContainer} with {@code concurrency} consumers; a
 * partition is consumed by one of them, so a key's records are processed in order.</li>
 * <li>Failures go to a {@link DefaultErrorHandler} with {@link ExponentialBackOffWithMaxRetries} (retrying on the
 * partition, which blocks it meanwhile) and then a {@link DeadLetterPublishingRecoverer} that sends the record to
 * the dead-letter topic with {@link DeadLetterHeaders} and the original partition and offset; the offset is then
 * committed, so the following records flow.</li>
 * <li>{@link #request} uses a {@link ReplyingKafkaTemplate} with a reply topic of this binder instance, created on
 * the first request and deleted on {@link #close()}.</li>
 * </ul>
 *
 * @author Switchboard
 */
public final class KafkaChannelBinder implements ChannelBinder {

	/** The binder's name in configuration. */
	public static final String NAME = "kafka";

	/** Dead-letter header: the partition the failed record was consumed from. */
	public static final String ORIGINAL_PARTITION_HEADER = "switchboard-dlq-original-partition";

	/** Dead-letter header: the offset of the failed record. */
	public static final String ORIGINAL_OFFSET_HEADER = "switchboard-dlq-original-offset";

	private static final Log logger = LogFactory.getLog(KafkaChannelBinder.class);

	private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

	private final String instanceId = UUID.randomUUID().toString();

	private final DefaultKafkaProducerFactory<String, byte[]> producerFactory;

	private final KafkaTemplate<String, byte[]> template;

	private final DefaultKafkaConsumerFactory<String, byte[]> consumerFactory;

	private final Map<String, Object> adminConfigs;

	private final int partitions;

	private final short replicationFactor;

	private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();

	private final List<KafkaSubscription> subscriptions = new CopyOnWriteArrayList<>();

	private final Object lock = new Object();

	private @Nullable Admin admin;

	private @Nullable ReplyingKafkaTemplate<String, byte[], byte[]> replyingTemplate;

	private @Nullable String replyTopic;

	private volatile boolean used;

	private volatile boolean closed;

	/**
	 * Creates a binder. No connection is made before the first use.
	 * @param producerConfigs producer configuration (connection, security); serializers, {@code acks} and
	 * idempotence are overridden
	 * @param consumerConfigs consumer configuration (connection, security); deserializers and group are overridden,
	 * {@code auto.offset.reset} defaults to {@code earliest}
	 * @param adminConfigs admin client configuration, to create topics
	 * @param partitions partitions of the topics this binder creates
	 * @param replicationFactor replication factor of the topics this binder creates, {@code -1} for the broker's
	 * default
	 */
	public KafkaChannelBinder(Map<String, Object> producerConfigs, Map<String, Object> consumerConfigs,
			Map<String, Object> adminConfigs, int partitions, short replicationFactor) {
		if (partitions < 1) {
			throw new IllegalArgumentException("partitions must be at least 1 but was " + partitions);
		}
		if (replicationFactor < 1 && replicationFactor != -1) {
			throw new IllegalArgumentException("replicationFactor must be -1 or at least 1 but was " + replicationFactor);
		}
		Map<String, Object> producer = new HashMap<>(producerConfigs);
		// Explicit, whatever spring.kafka.producer.* or another binder on the classpath made the defaults.
		producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		producer.put(ProducerConfig.ACKS_CONFIG, "all");
		producer.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		this.producerFactory = new DefaultKafkaProducerFactory<>(producer);
		this.template = new KafkaTemplate<>(this.producerFactory);
		Map<String, Object> consumer = new HashMap<>(consumerConfigs);
		consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		// Bytes always deserialize: an unreadable payload fails in the handler, where it is dead-lettered.
		consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		consumer.remove(ConsumerConfig.GROUP_ID_CONFIG);
		// A new group must not skip what was published while its first consumer was joining.
		consumer.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		this.consumerFactory = new DefaultKafkaConsumerFactory<>(consumer);
		this.adminConfigs = Map.copyOf(adminConfigs);
		this.partitions = partitions;
		this.replicationFactor = replicationFactor;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public CompletableFuture<Void> send(ChannelDestination destination, Message message) {
		if (this.closed) {
			return CompletableFuture.failedFuture(closedException());
		}
		this.used = true;
		try {
			ensureTopic(destination.name());
			return this.template.send(toRecord(destination.name(), null, message)).thenApply((result) -> null);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(
					new ChannelPublishException("Kafka did not accept " + message + " for " + destination, ex));
		}
	}

	@Override
	public Subscription subscribe(ChannelDestination destination, String group, MessageHandler handler,
			ConsumerSettings settings) {
		if (this.closed) {
			throw closedException();
		}
		if (group.isBlank()) {
			throw new IllegalArgumentException("group must not be blank but was '" + group + "'");
		}
		this.used = true;
		ensureTopic(destination.name());
		ChannelDestination deadLetter = settings.deadLetter();
		if (deadLetter != null) {
			ensureTopic(deadLetter.name());
		}
		ContainerProperties containerProperties = new ContainerProperties(destination.name());
		containerProperties.setGroupId(group);
		containerProperties.setDeliveryAttemptHeader(true);
		containerProperties.setMessageListener((org.springframework.kafka.listener.MessageListener<String, byte[]>) (
				record) -> onRecord(destination, group, handler, record));
		ConcurrentMessageListenerContainer<String, byte[]> container = new ConcurrentMessageListenerContainer<>(
				this.consumerFactory, containerProperties);
		container.setConcurrency(settings.concurrency());
		container.setCommonErrorHandler(errorHandler(destination, group, settings));
		container.setBeanName("switchboard-kafka-" + destination.name() + "-" + group);
		KafkaSubscription subscription = new KafkaSubscription(destination, group, container);
		this.subscriptions.add(subscription);
		container.start();
		return subscription;
	}

	@Override
	public CompletableFuture<Message> request(ChannelDestination destination, Message request, Duration timeout) {
		if (this.closed) {
			return CompletableFuture.failedFuture(closedException());
		}
		this.used = true;
		CompletableFuture<Message> reply = new CompletableFuture<>();
		try {
			ReplyingKafkaTemplate<String, byte[], byte[]> replying = replyingTemplate();
			ensureTopic(destination.name());
			replying.sendAndReceive(toRecord(destination.name(), null, request), timeout)
				.whenComplete((record, failure) -> {
					if (failure == null) {
						reply.complete(toMessage(record));
					}
					else if (unwrap(failure) instanceof KafkaReplyTimeoutException) {
						reply.completeExceptionally(new ReplyTimeoutException(destination, timeout));
					}
					else {
						reply.completeExceptionally(failure);
					}
				});
		}
		catch (RuntimeException ex) {
			reply.completeExceptionally(
					new ChannelPublishException("Kafka did not accept request " + request + " for " + destination, ex));
		}
		return reply;
	}

	/**
	 * Asks the cluster for its id and nodes, for health checks.
	 * @param timeout how long to wait
	 * @return the cluster id and node count
	 * @throws Exception when the cluster does not answer in time
	 */
	public Map<String, Object> describeCluster(Duration timeout) throws Exception {
		DescribeClusterResult cluster = admin().describeCluster();
		String clusterId = cluster.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		int nodes = cluster.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
		return Map.of("clusterId", clusterId, "nodes", nodes);
	}

	/**
	 * Whether any channel has used this binder yet: nothing connects to Kafka before.
	 * @return whether the binder was used
	 */
	public boolean isUsed() {
		return this.used;
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.subscriptions.forEach(KafkaSubscription::close);
		synchronized (this.lock) {
			ReplyingKafkaTemplate<String, byte[], byte[]> replying = this.replyingTemplate;
			if (replying != null) {
				replying.stop();
				deleteReplyTopic();
			}
			if (this.admin != null) {
				this.admin.close(Duration.ofSeconds(5));
			}
		}
		this.producerFactory.reset();
	}

	private void deleteReplyTopic() {
		String topic = this.replyTopic;
		if (topic == null || this.admin == null) {
			return;
		}
		try {
			this.admin.deleteTopics(List.of(topic)).all().get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.warn("Could not delete reply topic '" + topic + "': " + ex);
		}
	}

	private void onRecord(ChannelDestination destination, String group, MessageHandler handler,
			ConsumerRecord<String, byte[]> record) {
		Message message = toMessage(record);
		MessageContext context = new MessageContext(destination, group, message, deliveryAttempt(record));
		Message reply;
		try {
			reply = handler.handle(message, context);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new HandlerFailedException(ex);
		}
		if (reply != null) {
			reply(record, reply);
		}
	}

	private void reply(ConsumerRecord<String, byte[]> request, Message reply) {
		Headers headers = request.headers();
		Header replyTopic = headers.lastHeader(KafkaHeaders.REPLY_TOPIC);
		Header correlation = headers.lastHeader(KafkaHeaders.CORRELATION_ID);
		// A dead letter keeps its request headers, but nobody must answer it from the DLQ.
		if (replyTopic == null || correlation == null || headers.lastHeader(DeadLetterHeaders.EXCEPTION_CLASS) != null) {
			return;
		}
		Header replyPartition = headers.lastHeader(KafkaHeaders.REPLY_PARTITION);
		Integer partition = (replyPartition != null) ? ByteBuffer.wrap(replyPartition.value()).getInt() : null;
		ProducerRecord<String, byte[]> record = toRecord(new String(replyTopic.value(), StandardCharsets.UTF_8),
				partition, reply);
		record.headers().add(KafkaHeaders.CORRELATION_ID, correlation.value());
		this.template.send(record).whenComplete((result, failure) -> {
			if (failure != null) {
				logger.error("Could not send the reply to " + request.topic() + "-" + request.partition() + "@"
						+ request.offset(), failure);
			}
		});
	}

	private DefaultErrorHandler errorHandler(ChannelDestination destination, String group, ConsumerSettings settings) {
		RetrySettings retry = settings.retry();
		ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(retry.maxAttempts() - 1);
		backOff.setInitialInterval(retry.backoff().toMillis());
		backOff.setMultiplier(retry.multiplier());
		backOff.setMaxInterval(retry.maxBackoff().toMillis());
		ChannelDestination deadLetter = settings.deadLetter();
		ConsumerRecordRecoverer recoverer = (deadLetter != null)
				? deadLetterRecoverer(destination, group, deadLetter)
				: (record, failure) -> logger.error("Dropping " + record.topic() + "-" + record.partition() + "@"
						+ record.offset() + " of group '" + group + "' (dead-lettering is disabled)", unwrap(failure));
		DefaultErrorHandler errorHandler = new DefaultErrorHandler(recoverer, backOff);
		errorHandler.addNotRetryableExceptions(UnreadableMessageException.class);
		return errorHandler;
	}

	private DeadLetterPublishingRecoverer deadLetterRecoverer(ChannelDestination destination, String group,
			ChannelDestination deadLetter) {
		// A negative partition lets the producer choose by key, so the dead-letter topic keeps per-key order.
		DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(this.template,
				(record, failure) -> new TopicPartition(deadLetter.name(), -1));
		// Switchboard's own headers describe the exception; Spring Kafka's copies would double the size.
		recoverer.excludeHeader(HeadersToAdd.EXCEPTION, HeadersToAdd.EX_CAUSE, HeadersToAdd.EX_MSG,
				HeadersToAdd.EX_STACKTRACE);
		recoverer.setHeadersFunction((record, failure) -> {
			@SuppressWarnings("unchecked")
			ConsumerRecord<String, byte[]> consumed = (ConsumerRecord<String, byte[]>) record;
			MessageContext context = new MessageContext(destination, group, toMessage(consumed),
					deliveryAttempt(consumed));
			Throwable cause = unwrap(failure);
			logger.warn("Moving " + context.getMessage() + " of " + context + " to '" + deadLetter.name() + "': "
					+ cause);
			RecordHeaders headers = new RecordHeaders();
			DeadLetterHeaders.describe(context, cause).forEach((name, value) -> headers.add(name, utf8(value)));
			headers.add(ORIGINAL_PARTITION_HEADER, utf8(Integer.toString(record.partition())));
			headers.add(ORIGINAL_OFFSET_HEADER, utf8(Long.toString(record.offset())));
			return headers;
		});
		return recoverer;
	}

	private ReplyingKafkaTemplate<String, byte[], byte[]> replyingTemplate() {
		synchronized (this.lock) {
			ReplyingKafkaTemplate<String, byte[], byte[]> replying = this.replyingTemplate;
			if (replying != null) {
				return replying;
			}
			// One reply topic per binder instance: replies never reach another instance's consumer.
			String topic = "switchboard-replies-" + this.instanceId;
			createTopic(topic, 1);
			ContainerProperties containerProperties = new ContainerProperties(topic);
			containerProperties.setGroupId(topic);
			Properties overrides = new Properties();
			overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
			containerProperties.setKafkaConsumerProperties(overrides);
			KafkaMessageListenerContainer<String, byte[]> container = new KafkaMessageListenerContainer<>(
					this.consumerFactory, containerProperties);
			container.setBeanName("switchboard-kafka-replies");
			replying = new ReplyingKafkaTemplate<>(this.producerFactory, container);
			replying.setSharedReplyTopic(false);
			replying.start();
			this.replyTopic = topic;
			this.replyingTemplate = replying;
			return replying;
		}
	}

	private void ensureTopic(String topic) {
		if (!this.knownTopics.contains(topic)) {
			createTopic(topic, this.partitions);
			this.knownTopics.add(topic);
		}
	}

	private void createTopic(String topic, int partitions) {
		Optional<Short> replication = (this.replicationFactor > 0) ? Optional.of(this.replicationFactor)
				: Optional.empty();
		NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), replication);
		try {
			admin().createTopics(List.of(newTopic)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (!(ex.getCause() instanceof TopicExistsException)) {
				throw new IllegalStateException("Could not create Kafka topic '" + topic + "'", ex.getCause());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while creating Kafka topic '" + topic + "'", ex);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Kafka did not create topic '" + topic + "' within " + ADMIN_TIMEOUT, ex);
		}
	}

	/**
	 * The records in the dead-letter topic: the sum over its partitions of latest minus earliest offset.
	 */
	@Override
	public @Nullable Long deadLetterCount(ChannelDestination deadLetter) {
		if (this.closed || !this.knownTopics.contains(deadLetter.name())) {
			return null;
		}
		try {
			Admin admin = admin();
			List<TopicPartition> partitions = admin.describeTopics(List.of(deadLetter.name()))
				.allTopicNames()
				.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.get(deadLetter.name())
				.partitions()
				.stream()
				.map((partition) -> new TopicPartition(deadLetter.name(), partition.partition()))
				.toList();
			long latest = sumOffsets(admin, partitions, OffsetSpec.latest());
			long earliest = sumOffsets(admin, partitions, OffsetSpec.earliest());
			return latest - earliest;
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private static long sumOffsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
			throws InterruptedException, ExecutionException, TimeoutException {
		Map<TopicPartition, OffsetSpec> request = new java.util.LinkedHashMap<>();
		partitions.forEach((partition) -> request.put(partition, spec));
		long sum = 0;
		for (ListOffsetsResult.ListOffsetsResultInfo info : admin.listOffsets(request)
			.all()
			.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
			.values()) {
			sum += info.offset();
		}
		return sum;
	}

	private Admin admin() {
		synchronized (this.lock) {
			if (this.admin == null) {
				this.admin = Admin.create(this.adminConfigs);
			}
			return this.admin;
		}
	}

	private static ProducerRecord<String, byte[]> toRecord(String topic, @Nullable Integer partition,
			Message message) {
		RecordHeaders headers = new RecordHeaders();
		message.getHeaders().forEach((name, value) -> headers.add(name, utf8(value)));
		headers.add(Message.ID_HEADER, utf8(message.getId()));
		return new ProducerRecord<>(topic, partition, message.getKey(), message.getPayload(), headers);
	}

	private static Message toMessage(ConsumerRecord<String, byte[]> record) {
		byte[] payload = record.value();
		Message.Builder builder = Message.builder((payload != null) ? payload : new byte[0]).key(record.key());
		String id = null;
		for (Header header : record.headers()) {
			String name = header.key();
			if (name.equals(Message.ID_HEADER)) {
				id = string(header);
			}
			else if (!name.startsWith(KafkaHeaders.PREFIX) && header.value() != null) {
				builder.header(name, string(header));
			}
		}
		// A record from another producer has no id: its position identifies it across redeliveries.
		builder.id((id != null && !id.isBlank()) ? id
				: record.topic() + "-" + record.partition() + "@" + record.offset());
		return builder.build();
	}

	private static int deliveryAttempt(ConsumerRecord<?, ?> record) {
		Header header = record.headers().lastHeader(KafkaHeaders.DELIVERY_ATTEMPT);
		return (header != null && header.value().length == Integer.BYTES)
				? Math.max(1, ByteBuffer.wrap(header.value()).getInt()) : 1;
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while (current.getCause() != null && (current instanceof ListenerExecutionFailedException
				|| current instanceof HandlerFailedException || current instanceof ExecutionException
				|| current instanceof java.util.concurrent.CompletionException)) {
			current = current.getCause();
		}
		return current;
	}

	private static byte[] utf8(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static String string(Header header) {
		return new String(header.value(), StandardCharsets.UTF_8);
	}

	private static IllegalStateException closedException() {
		return new IllegalStateException("The Kafka channel binder is closed");
	}

	@Override
	public String toString() {
		return "KafkaChannelBinder[subscriptions=" + this.subscriptions + "]";
	}

	/**
	 * Carries a checked exception of a handler through Spring Kafka's listener interface.
	 */
	private static final class HandlerFailedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		HandlerFailedException(Exception cause) {
			super(cause.toString(), cause);
		}

	}

	/**
	 * One listener container.
	 */
	private final class KafkaSubscription implements Subscription {

		private final ChannelDestination destination;

		private final String group;

		private final ConcurrentMessageListenerContainer<String, byte[]> container;

		KafkaSubscription(ChannelDestination destination, String group,
				ConcurrentMessageListenerContainer<String, byte[]> container) {
			this.destination = destination;
			this.group = group;
			this.container = container;
		}

		@Override
		public ChannelDestination destination() {
			return this.destination;
		}

		@Override
		public String group() {
			return this.group;
		}

		@Override
		public void close() {
			// Stops after the records in flight; uncommitted ones are redelivered to the group.
			this.container.stop();
			KafkaChannelBinder.this.subscriptions.remove(this);
		}

		@Override
		public String toString() {
			return "kafka:" + this.destination.name() + "/" + this.group;
		}

	}

}
