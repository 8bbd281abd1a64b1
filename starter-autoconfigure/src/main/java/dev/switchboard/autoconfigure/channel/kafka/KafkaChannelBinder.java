package dev.switchboard.autoconfigure.channel.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import dev.switchboard.core.channel.ChannelBinder;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageHandler;
import dev.switchboard.core.channel.MessageNotPublishedException;
import dev.switchboard.core.channel.Subscription;
import dev.switchboard.core.channel.publish.PublishWindow;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * A {@link ChannelBinder} on Apache Kafka through Spring Kafka: a destination is a topic (created with
 * {@code partitions} partitions when missing), a consumer group is a Kafka consumer group, the message key is the
 * record key.
 * <ul>
 * <li>{@link #send} uses an idempotent producer with {@code acks=all}, each record within its deadline and at most
 * {@link Settings#maxPending()} at once ({@link KafkaPublisher}); the producer's {@code max.block.ms} and
 * {@code delivery.timeout.ms} are set from the publish deadlines unless the application set them.</li>
 * <li>Each subscription is a {@link ConcurrentMessageListenerContainer} made by a container factory (in an
 * application, configured by Spring Boot from {@code spring.kafka.listener.*} and the application's container
 * customizer) with {@code concurrency} consumers; a partition is consumed by one of them, so a key's records are
 * processed in order.</li>
 * <li>Failures are retried on the partition, then dead-lettered ({@link KafkaDeadLetters}); with
 * {@link dev.switchboard.core.channel.RetrySettings.Mode#TOPICS} they are retried through a retry topic while the
 * partition moves on ({@link KafkaRetryTopics}).</li>
 * <li>{@link #request} uses a {@code ReplyingKafkaTemplate} ({@link KafkaRequestReply}).</li>
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

	private final Settings settings;

	private final DefaultKafkaProducerFactory<String, byte[]> producerFactory;

	private final DefaultKafkaConsumerFactory<String, byte[]> consumerFactory;

	private final KafkaTopics topics;

	private final PublishWindow window;

	private final KafkaPublisher publisher;

	private final KafkaRetryTopics retryTopics;

	private final KafkaRequestReply requestReply;

	private final KafkaSubscriptions subscriptions;

	private volatile boolean used;

	private volatile boolean closed;

	/**
	 * Creates a binder with default {@link Settings}. No connection is made before the first use.
	 * @param producerConfigs producer configuration (connection, security)
	 * @param consumerConfigs consumer configuration (connection, security)
	 * @param adminConfigs admin client configuration, to create topics
	 * @param partitions partitions of the topics this binder creates
	 * @param replicationFactor replication factor of created topics, {@code -1} for the broker's default
	 */
	public KafkaChannelBinder(Map<String, Object> producerConfigs, Map<String, Object> consumerConfigs,
			Map<String, Object> adminConfigs, int partitions, short replicationFactor) {
		this(producerConfigs, consumerConfigs, adminConfigs,
				new Settings(partitions, replicationFactor, 10_000, DEFAULT_PUBLISH_TIMEOUT, DEFAULT_PUBLISH_TIMEOUT));
	}

	/**
	 * Creates a binder with Spring Kafka's defaults for its clients. No connection is made before the first use.
	 * @param producerConfigs producer configuration (connection, security); serializers, {@code acks} and
	 * idempotence are overridden, {@code max.block.ms} and {@code delivery.timeout.ms} default from the settings
	 * @param consumerConfigs consumer configuration (connection, security); deserializers and group are overridden,
	 * {@code auto.offset.reset} defaults to {@code earliest}
	 * @param adminConfigs admin client configuration, to create topics
	 * @param settings topics, the bound on pending publishes and the publish deadlines
	 */
	public KafkaChannelBinder(Map<String, Object> producerConfigs, Map<String, Object> consumerConfigs,
			Map<String, Object> adminConfigs, Settings settings) {
		this(producerConfigs, consumerConfigs, adminConfigs, settings, KafkaBinderCustomizers.none());
	}

	/**
	 * Creates a binder. No connection is made before the first use.
	 * @param producerConfigs producer configuration (connection, security); serializers, {@code acks} and
	 * idempotence are overridden, {@code max.block.ms} and {@code delivery.timeout.ms} default from the settings
	 * @param consumerConfigs consumer configuration (connection, security); deserializers and group are overridden,
	 * {@code auto.offset.reset} defaults to {@code earliest}
	 * @param adminConfigs admin client configuration, to create topics
	 * @param settings topics, the bound on pending publishes and the publish deadlines
	 * @param customizers the application's customizers of the clients, applied before the binder's own settings
	 */
	public KafkaChannelBinder(Map<String, Object> producerConfigs, Map<String, Object> consumerConfigs,
			Map<String, Object> adminConfigs, Settings settings, KafkaBinderCustomizers customizers) {
		this.settings = Objects.requireNonNull(settings, "settings");
		this.producerFactory = KafkaClientFactories.producerFactory(producerConfigs, settings, customizers);
		this.consumerFactory = KafkaClientFactories.consumerFactory(consumerConfigs, customizers);
		this.topics = new KafkaTopics(adminConfigs, settings.partitions(), settings.replicationFactor());
		this.window = new PublishWindow(NAME, settings.maxPending());
		this.publisher = new KafkaPublisher(this.producerFactory, this.topics, this.window);
		KafkaTemplate<String, byte[]> template = new KafkaTemplate<>(this.producerFactory);
		KafkaDeadLetters deadLetters = new KafkaDeadLetters(template);
		this.retryTopics = new KafkaRetryTopics(template, deadLetters);
		this.requestReply = new KafkaRequestReply(this.producerFactory, this.consumerFactory, template, this.topics);
		this.subscriptions = new KafkaSubscriptions(
				KafkaClientFactories.containerFactory(this.consumerFactory, customizers), this.topics, deadLetters,
				this.retryTopics, this.requestReply);
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public CompletableFuture<Void> send(ChannelDestination destination, Message message, Duration timeout) {
		if (this.closed) {
			return CompletableFuture.failedFuture(new MessageNotPublishedException("Message " + message.getId()
					+ " to " + destination + " was not published: the Kafka channel binder is closed",
					message.getId(), null));
		}
		this.used = true;
		return this.publisher.publish(destination, message, timeout);
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
		return this.subscriptions.subscribe(destination, group, handler, settings);
	}

	@Override
	public CompletableFuture<Message> request(ChannelDestination destination, Message request, Duration timeout) {
		if (this.closed) {
			return CompletableFuture.failedFuture(closedException());
		}
		this.used = true;
		return this.requestReply.request(destination, request, timeout);
	}

	/**
	 * Asks the cluster for its id and nodes, for health checks.
	 * @param timeout how long to wait
	 * @return the cluster id and node count
	 * @throws Exception when the cluster does not answer in time
	 */
	public Map<String, Object> describeCluster(Duration timeout) throws Exception {
		return this.topics.describeCluster(timeout);
	}

	/**
	 * Whether any channel has used this binder yet: nothing connects to Kafka before.
	 * @return whether the binder was used
	 */
	public boolean isUsed() {
		return this.used;
	}

	/**
	 * Publishes holding a place in the binder's window now (at most {@link Settings#maxPending()}).
	 */
	@Override
	public Integer pendingPublishes() {
		return this.window.pending();
	}

	/**
	 * The binder's settings.
	 * @return the settings
	 */
	public Settings getSettings() {
		return this.settings;
	}

	/**
	 * The configuration of the binder's producer, as Switchboard completed it.
	 * @return the producer configuration
	 */
	public Map<String, Object> getProducerConfiguration() {
		return this.producerFactory.getConfigurationProperties();
	}

	/**
	 * The records in the dead-letter topic: the sum over its partitions of latest minus earliest offset.
	 */
	@Override
	public @Nullable Long deadLetterCount(ChannelDestination deadLetter) {
		if (this.closed || !this.topics.isKnown(deadLetter.name())) {
			return null;
		}
		return this.topics.recordCount(deadLetter.name());
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.subscriptions.close();
		this.retryTopics.close();
		this.requestReply.close();
		this.publisher.close();
		this.window.close();
		this.topics.close();
		this.producerFactory.reset();
	}

	private static IllegalStateException closedException() {
		return new IllegalStateException("The Kafka channel binder is closed");
	}

	@Override
	public String toString() {
		return "KafkaChannelBinder[subscriptions=" + this.subscriptions + ", " + this.window + "]";
	}

	/**
	 * Settings of a {@link KafkaChannelBinder}.
	 *
	 * @param partitions partitions of the topics the binder creates
	 * @param replicationFactor replication factor of created topics, {@code -1} for the broker's default
	 * @param maxPending the most publishes pending at once; more fail at once as not published
	 * @param shortestPublishTimeout the shortest publish deadline of the binder's channels: the longest a publish
	 * may wait for topic metadata ({@code max.block.ms})
	 * @param longestPublishTimeout the longest publish deadline of the binder's channels: the producer gives up on
	 * a record soon after ({@code delivery.timeout.ms})
	 */
	public record Settings(int partitions, short replicationFactor, int maxPending, Duration shortestPublishTimeout,
			Duration longestPublishTimeout) {

		/**
		 * Checks the values.
		 * @param partitions the partitions
		 * @param replicationFactor the replication factor
		 * @param maxPending the bound on pending publishes
		 * @param shortestPublishTimeout the shortest publish deadline
		 * @param longestPublishTimeout the longest publish deadline
		 */
		public Settings {
			if (partitions < 1) {
				throw new IllegalArgumentException("partitions must be at least 1 but was " + partitions);
			}
			if (replicationFactor < 1 && replicationFactor != -1) {
				throw new IllegalArgumentException(
						"replicationFactor must be -1 or at least 1 but was " + replicationFactor);
			}
			if (maxPending < 1) {
				throw new IllegalArgumentException("maxPending must be at least 1 but was " + maxPending);
			}
			if (shortestPublishTimeout.isNegative() || shortestPublishTimeout.isZero()
					|| longestPublishTimeout.compareTo(shortestPublishTimeout) < 0) {
				throw new IllegalArgumentException("publish timeouts must be positive, shortest first, but were "
						+ shortestPublishTimeout + " and " + longestPublishTimeout);
			}
		}

	}

}
