package dev.switchboard.autoconfigure.channel.kafka;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.RetrySettings;
import dev.switchboard.core.channel.UnreadableMessageException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

import org.springframework.core.NestedRuntimeException;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ContainerPartitionPausingBackOffManager;
import org.springframework.kafka.listener.ContainerPausingBackOffHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaConsumerBackoffManager;
import org.springframework.kafka.listener.ListenerContainerPauseService;
import org.springframework.kafka.listener.ListenerContainerRegistry;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.SeekUtils;
import org.springframework.kafka.listener.adapter.KafkaBackoffAwareMessageListenerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Non-blocking retries ({@code retry.mode: topics}): a failed record is republished to the subscription's retry
 * topic, {@code <destination>.retry.<group>}, and its partition moves on at once. A retry container (group
 * {@code <group>-retry}) runs the same handler on it when it is due, up to {@code max-attempts}; then the record
 * goes to the dead-letter topic as after blocking retries.
 * <p>
 * Each record on the retry topic carries the attempt it is waiting for and when it is due. One topic per
 * subscription serves every attempt: each group retries only its own failures, and a record waits behind an
 * earlier one of its retry partition at most until that one is due (delays grow, so rarely at all).
 * <p>
 * Built from Spring Kafka's retry-topic parts rather than its {@code RetryTopicConfigurer}: that one configures
 * {@code @KafkaListener} endpoints and their container factory, while channel subscriptions are containers the
 * binder makes. The parts are wired here as the configurer wires them: a {@code DeadLetterPublishingRecoverer}
 * ({@link KafkaRepublisher}) behind a {@link DefaultErrorHandler} without blocking retries, and a retry listener
 * wrapped in a {@link KafkaBackoffAwareMessageListenerAdapter} whose {@link ContainerPartitionPausingBackOffManager}
 * pauses the retry partition until the record is due (the consumer keeps polling, so it stays in its group).
 *
 * @author Switchboard
 */
final class KafkaRetryTopics {

	/** The prefix of the headers a record carries on a retry topic; they never reach handlers or dead letters. */
	static final String HEADER_PREFIX = "switchboard-retry-";

	/** Retry header: the attempt the record waits for, 2 or more, as text. */
	static final String ATTEMPT_HEADER = HEADER_PREFIX + "attempt";

	/**
	 * Retry header: when the record is due, epoch milliseconds as a big-endian two's complement integer, the form
	 * {@link KafkaBackoffAwareMessageListenerAdapter} reads.
	 */
	static final String DUE_HEADER = HEADER_PREFIX + "due";

	/** Retry header: the partition the record was first consumed from, as text. */
	static final String ORIGINAL_PARTITION_HEADER = HEADER_PREFIX + "original-partition";

	/** Retry header: the offset the record was first consumed at, as text. */
	static final String ORIGINAL_OFFSET_HEADER = HEADER_PREFIX + "original-offset";

	private static final Log logger = LogFactory.getLog(KafkaRetryTopics.class);

	private final KafkaTemplate<String, byte[]> template;

	private final KafkaDeadLetters deadLetters;

	private final Containers containers = new Containers();

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	private final KafkaConsumerBackoffManager backOffManager;

	KafkaRetryTopics(KafkaTemplate<String, byte[]> template, KafkaDeadLetters deadLetters) {
		this.template = template;
		this.deadLetters = deadLetters;
		this.scheduler.setThreadNamePrefix("switchboard-kafka-retry-");
		this.scheduler.setDaemon(true);
		this.scheduler.initialize();
		this.backOffManager = new ContainerPartitionPausingBackOffManager(this.containers,
				new ContainerPausingBackOffHandler(new ListenerContainerPauseService(this.containers, this.scheduler)));
	}

	/**
	 * The retry topic of a subscription.
	 * @param destination the channel's destination
	 * @param group the consumer group
	 * @return {@code <destination>.retry.<group>}
	 */
	static String retryTopic(ChannelDestination destination, String group) {
		return destination.name() + ".retry." + group;
	}

	/**
	 * Whether a subscription retries through a topic.
	 * @param settings the consumer settings
	 * @return whether a retry topic and container are needed
	 */
	static boolean applies(ConsumerSettings settings) {
		return settings.retry().mode() == RetrySettings.Mode.TOPICS && settings.retry().maxAttempts() > 1;
	}

	/**
	 * The error handler of the main container: no retry on the partition; the failed record goes to the retry
	 * topic (or to the dead-letter topic when unreadable).
	 */
	CommonErrorHandler errorHandler(ChannelDestination destination, String group, ConsumerSettings settings) {
		return new DefaultErrorHandler(recoverer(destination, group, settings), new FixedBackOff(0, 0));
	}

	/**
	 * Makes the retry container of a subscription and registers it for the back-off manager.
	 * @param destination the channel's destination
	 * @param group the consumer group
	 * @param listener the subscription's listener, the same as the main container's
	 * @param settings the consumer settings
	 * @param factory makes a container configured as the main one
	 * @return the container, not started
	 */
	ConcurrentMessageListenerContainer<String, byte[]> retryContainer(ChannelDestination destination, String group,
			MessageListener<String, byte[]> listener, ConsumerSettings settings, ContainerFactory factory) {
		String topic = retryTopic(destination, group);
		String id = "switchboard-kafka-" + topic;
		var dueAware = new KafkaBackoffAwareMessageListenerAdapter<>(listener, this.backOffManager, id, DUE_HEADER,
				Clock.systemUTC());
		DefaultErrorHandler errorHandler = new DefaultErrorHandler(recoverer(destination, group, settings),
				new FixedBackOff(0, 0));
		// Backing off is reported as an exception through the error handler each time a partition pauses; as in
		// Spring Kafka's retry topics, that is not worth an ERROR log. Handler failures are logged by the recoverer.
		errorHandler.setLogLevel(KafkaException.Level.DEBUG);
		ConcurrentMessageListenerContainer<String, byte[]> container = factory.create(topic, group + "-retry",
				dueAware, errorHandler);
		container.setBeanName(id);
		this.containers.put(id, container);
		return container;
	}

	/**
	 * Forgets a stopped retry container.
	 * @param container the container
	 */
	void remove(MessageListenerContainer container) {
		this.containers.values().remove(container);
	}

	void close() {
		this.scheduler.shutdown();
	}

	private ConsumerRecordRecoverer recoverer(ChannelDestination destination, String group,
			ConsumerSettings settings) {
		RetrySettings retry = settings.retry();
		ConsumerRecordRecoverer deadLetter = this.deadLetters.recoverer(destination, group, settings);
		KafkaRepublisher toRetry = KafkaRepublisher.toRetry(this.template, retryTopic(destination, group));
		toRetry.setHeadersFunction((record, failure) -> {
			int attempt = KafkaRecordMapper.deliveryAttempt(record);
			Duration delay = retry.backoffAfter(attempt);
			logger.info("Attempt " + attempt + " of " + retry.maxAttempts() + " of " + record.topic() + "-"
					+ record.partition() + "@" + record.offset() + " in group '" + group + "' failed, retrying in "
					+ delay.toMillis() + " ms through '" + retryTopic(destination, group) + "': "
					+ KafkaDeadLetters.unwrap(failure));
			RecordHeaders headers = new RecordHeaders();
			headers.add(ATTEMPT_HEADER, KafkaRecordMapper.utf8(Integer.toString(attempt + 1)));
			long due = System.currentTimeMillis() + delay.toMillis();
			headers.add(DUE_HEADER, BigInteger.valueOf(due).toByteArray());
			headers.add(ORIGINAL_PARTITION_HEADER, originalPartition(record));
			headers.add(ORIGINAL_OFFSET_HEADER, originalOffset(record));
			return headers;
		});
		return (record, failure) -> {
			if (SeekUtils.isBackoffException(failure)) {
				// Not due yet: the partition is paused; rethrown, the record is sought back and read again when
				// due (what Spring Kafka's retry-topic destination resolver does).
				throw (NestedRuntimeException) failure;
			}
			boolean unreadable = KafkaDeadLetters.unwrap(failure) instanceof UnreadableMessageException;
			if (unreadable || KafkaRecordMapper.deliveryAttempt(record) >= retry.maxAttempts()) {
				deadLetter.accept(record, failure);
			}
			else {
				toRetry.accept(record, failure);
			}
		};
	}

	static byte[] originalPartition(ConsumerRecord<?, ?> record) {
		return original(record, ORIGINAL_PARTITION_HEADER, Integer.toString(record.partition()));
	}

	static byte[] originalOffset(ConsumerRecord<?, ?> record) {
		return original(record, ORIGINAL_OFFSET_HEADER, Long.toString(record.offset()));
	}

	private static byte[] original(ConsumerRecord<?, ?> record, String header, String current) {
		Header carried = record.headers().lastHeader(header);
		return (carried != null && carried.value() != null) ? carried.value() : KafkaRecordMapper.utf8(current);
	}

	/**
	 * Makes a container as the binder makes its main ones.
	 */
	@FunctionalInterface
	interface ContainerFactory {

		ConcurrentMessageListenerContainer<String, byte[]> create(String topic, String group,
				MessageListener<String, byte[]> listener, CommonErrorHandler errorHandler);

	}

	/**
	 * The retry containers by id, for Spring Kafka's pausing back-off manager and pause service, which find a
	 * container through a registry (an application context's {@code KafkaListenerEndpointRegistry} knows only
	 * {@code @KafkaListener} containers).
	 */
	private static final class Containers extends ConcurrentHashMap<String, MessageListenerContainer>
			implements ListenerContainerRegistry {

		private static final long serialVersionUID = 1L;

		@Override
		public @Nullable MessageListenerContainer getListenerContainer(String id) {
			return get(id);
		}

		@Override
		public Collection<MessageListenerContainer> getListenerContainersMatching(Predicate<String> idMatcher) {
			return entrySet().stream().filter((entry) -> idMatcher.test(entry.getKey())).map(Map.Entry::getValue)
				.toList();
		}

		@Override
		public Collection<MessageListenerContainer> getListenerContainersMatching(
				BiPredicate<String, MessageListenerContainer> matcher) {
			return entrySet().stream().filter((entry) -> matcher.test(entry.getKey(), entry.getValue()))
				.map(Map.Entry::getValue)
				.toList();
		}

		@Override
		public @Nullable MessageListenerContainer getUnregisteredListenerContainer(String id) {
			return null;
		}

		@Override
		public Set<String> getListenerContainerIds() {
			return Set.copyOf(keySet());
		}

		@Override
		public Collection<MessageListenerContainer> getListenerContainers() {
			return List.copyOf(values());
		}

		@Override
		public Collection<MessageListenerContainer> getAllListenerContainers() {
			return List.copyOf(values());
		}

	}

}
