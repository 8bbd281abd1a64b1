package dev.switchboard.autoconfigure.channel;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.switchboard.core.channel.RetrySettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of channels: {@code switchboard.channels.<name>.*} per channel, inheriting what it does not set
 * from {@code switchboard.channel-defaults.*}. Immutable; checked at startup by {@link ChannelRegistry}.
 *
 * @author Switchboard
 */
@ConfigurationProperties("switchboard")
public class ChannelProperties {

	/**
	 * Channels by name. A channel used in code but not listed here takes every setting from channel-defaults and
	 * uses its name as destination.
	 */
	private final Map<String, Channel> channels;

	/**
	 * Settings that every channel inherits unless it sets its own.
	 */
	private final ChannelDefaults channelDefaults;

	/**
	 * Suppression of duplicate deliveries to listeners, by message id.
	 */
	private final Deduplication channelDeduplication;

	/**
	 * Creates the properties; called by configuration property binding.
	 * @param channels channels by name
	 * @param channelDefaults settings every channel inherits
	 * @param channelDeduplication duplicate suppression
	 */
	public ChannelProperties(@Nullable Map<String, Channel> channels, @DefaultValue ChannelDefaults channelDefaults,
			@DefaultValue Deduplication channelDeduplication) {
		this.channels = (channels != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(channels)) : Map.of();
		this.channelDefaults = channelDefaults;
		this.channelDeduplication = channelDeduplication;
	}

	/**
	 * Channels by name.
	 * @return an unmodifiable map
	 */
	public Map<String, Channel> getChannels() {
		return this.channels;
	}

	/**
	 * Settings every channel inherits.
	 * @return the defaults
	 */
	public ChannelDefaults getChannelDefaults() {
		return this.channelDefaults;
	}

	/**
	 * Duplicate suppression.
	 * @return the deduplication settings
	 */
	public Deduplication getChannelDeduplication() {
		return this.channelDeduplication;
	}

	/**
	 * The brokers a channel can use.
	 */
	public enum Binder {

		/** Inside this JVM: for tests and single-instance applications. */
		MEMORY("memory", null, null),

		/** Apache Kafka through Spring Kafka. */
		KAFKA("kafka", "org.springframework.kafka.core.KafkaTemplate",
				"org.springframework.boot:spring-boot-starter-kafka (which brings org.springframework.kafka:spring-kafka)"),

		/** RabbitMQ through Spring AMQP. */
		RABBIT("rabbit", "org.springframework.amqp.rabbit.core.RabbitTemplate",
				"org.springframework.boot:spring-boot-starter-amqp (which brings org.springframework.amqp:spring-rabbit)");

		private final String id;

		private final @Nullable String requiredClass;

		private final @Nullable String dependency;

		Binder(String id, @Nullable String requiredClass, @Nullable String dependency) {
			this.id = id;
			this.requiredClass = requiredClass;
			this.dependency = dependency;
		}

		/**
		 * The name used in configuration and returned by the binder's
		 * {@link dev.switchboard.core.channel.ChannelBinder#name()}.
		 * @return the binder id
		 */
		public String id() {
			return this.id;
		}

		/**
		 * A class that is present only when the binder's client library is.
		 * @return the class name, or {@code null} when nothing is needed
		 */
		public @Nullable String requiredClass() {
			return this.requiredClass;
		}

		/**
		 * The dependency to add when the client library is missing.
		 * @return the Maven coordinates, or {@code null} when nothing is needed
		 */
		public @Nullable String dependency() {
			return this.dependency;
		}

		/**
		 * The allowed values, as written in configuration.
		 * @return a comma-separated list
		 */
		static String allowedValues() {
			StringBuilder values = new StringBuilder();
			for (Binder binder : values()) {
				values.append((values.length() > 0) ? ", " : "").append(binder.id);
			}
			return values.toString();
		}

		@Override
		public String toString() {
			return this.id.toLowerCase(Locale.ROOT);
		}

	}

	/**
	 * Settings of one channel; what is not set is inherited from {@code switchboard.channel-defaults}.
	 */
	public static class Channel {

		/**
		 * The broker the channel uses. Inherited from channel-defaults when not set.
		 */
		private final @Nullable Binder binder;

		/**
		 * Destination on the broker (Kafka topic, RabbitMQ exchange). Defaults to the channel name.
		 */
		private final @Nullable String destination;

		/**
		 * Consumer group of this application's listeners. Inherited from channel-defaults, then
		 * spring.application.name.
		 */
		private final @Nullable String group;

		/**
		 * Retries of a failing listener.
		 */
		private final @Nullable Retry retry;

		/**
		 * Where messages go when a listener keeps failing.
		 */
		private final @Nullable DeadLetter deadLetter;

		/**
		 * How long a publish waits for the broker's acknowledgement, and a request-reply publish for the reply.
		 * Inherited from channel-defaults when not set.
		 */
		private final @Nullable Duration requestTimeout;

		/**
		 * Consumer threads per listener in this application. Inherited from channel-defaults when not set.
		 */
		private final @Nullable Integer concurrency;

		/**
		 * Publishing through the transactional outbox. Inherited from channel-defaults when not set.
		 */
		private final @Nullable Outbox outbox;

		/**
		 * Creates the settings; called by configuration property binding.
		 * @param binder the broker
		 * @param destination the destination
		 * @param group the consumer group
		 * @param retry listener retries
		 * @param deadLetter dead-lettering
		 * @param requestTimeout request-reply timeout
		 * @param concurrency consumer threads
		 * @param outbox the transactional outbox
		 */
		public Channel(@Nullable Binder binder, @Nullable String destination, @Nullable String group,
				@Nullable Retry retry, @Nullable DeadLetter deadLetter, @Nullable Duration requestTimeout,
				@Nullable Integer concurrency, @Nullable Outbox outbox) {
			this.binder = binder;
			this.destination = destination;
			this.group = group;
			this.retry = retry;
			this.deadLetter = deadLetter;
			this.requestTimeout = requestTimeout;
			this.concurrency = concurrency;
			this.outbox = outbox;
		}

		/**
		 * The transactional outbox.
		 * @return the settings, or {@code null} to inherit
		 */
		public @Nullable Outbox getOutbox() {
			return this.outbox;
		}

		/**
		 * Publishing of one channel through the transactional outbox.
		 */
		public static class Outbox {

			/**
			 * Whether a publish writes the message to the outbox table in the caller's transaction, to be relayed
			 * to the broker after commit (see switchboard.outbox.*). Inherited from channel-defaults when not set.
			 */
			private final @Nullable Boolean enabled;

			/**
			 * Creates the settings; called by configuration property binding.
			 * @param enabled whether to publish through the outbox
			 */
			public Outbox(@Nullable Boolean enabled) {
				this.enabled = enabled;
			}

			/**
			 * Whether to publish through the outbox.
			 * @return the flag, or {@code null} to inherit
			 */
			public @Nullable Boolean getEnabled() {
				return this.enabled;
			}

		}

		/**
		 * The broker.
		 * @return the binder, or {@code null} to inherit
		 */
		public @Nullable Binder getBinder() {
			return this.binder;
		}

		/**
		 * The destination.
		 * @return the destination, or {@code null} for the channel name
		 */
		public @Nullable String getDestination() {
			return this.destination;
		}

		/**
		 * The consumer group.
		 * @return the group, or {@code null} to inherit
		 */
		public @Nullable String getGroup() {
			return this.group;
		}

		/**
		 * Listener retries.
		 * @return the retry settings, or {@code null} to inherit all
		 */
		public @Nullable Retry getRetry() {
			return this.retry;
		}

		/**
		 * Dead-lettering.
		 * @return the dead-letter settings, or {@code null} to inherit
		 */
		public @Nullable DeadLetter getDeadLetter() {
			return this.deadLetter;
		}

		/**
		 * The request-reply timeout.
		 * @return the timeout, or {@code null} to inherit
		 */
		public @Nullable Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		/**
		 * Consumer threads.
		 * @return the concurrency, or {@code null} to inherit
		 */
		public @Nullable Integer getConcurrency() {
			return this.concurrency;
		}

		/**
		 * Retries of one channel; unset values are inherited from channel-defaults.
		 */
		public static class Retry {

			/**
			 * Attempts per message including the first; 1 disables retries.
			 */
			private final @Nullable Integer maxAttempts;

			/**
			 * Delay before the second attempt.
			 */
			private final @Nullable Duration backoff;

			/**
			 * Factor each further delay grows by.
			 */
			private final @Nullable Double multiplier;

			/**
			 * Largest delay between attempts.
			 */
			private final @Nullable Duration maxBackoff;

			/**
			 * Where a failed message waits for its next attempt: 'blocking' retries on the partition or queue,
			 * holding the messages behind it; 'topics' (Kafka only) republishes it to a retry topic so the
			 * partition moves on, giving up per-key order. Inherited from channel-defaults when not set.
			 */
			private final RetrySettings.@Nullable Mode mode;

			/**
			 * Creates the settings; called by configuration property binding.
			 * @param maxAttempts attempts per message
			 * @param backoff first delay
			 * @param multiplier growth factor
			 * @param maxBackoff largest delay
			 * @param mode where a failed message waits
			 */
			public Retry(@Nullable Integer maxAttempts, @Nullable Duration backoff, @Nullable Double multiplier,
					@Nullable Duration maxBackoff, RetrySettings.@Nullable Mode mode) {
				this.maxAttempts = maxAttempts;
				this.backoff = backoff;
				this.multiplier = multiplier;
				this.maxBackoff = maxBackoff;
				this.mode = mode;
			}

			/**
			 * Where a failed message waits.
			 * @return the mode, or {@code null} to inherit
			 */
			public RetrySettings.@Nullable Mode getMode() {
				return this.mode;
			}

			/**
			 * Attempts per message.
			 * @return the attempts, or {@code null} to inherit
			 */
			public @Nullable Integer getMaxAttempts() {
				return this.maxAttempts;
			}

			/**
			 * First delay.
			 * @return the delay, or {@code null} to inherit
			 */
			public @Nullable Duration getBackoff() {
				return this.backoff;
			}

			/**
			 * Growth factor.
			 * @return the multiplier, or {@code null} to inherit
			 */
			public @Nullable Double getMultiplier() {
				return this.multiplier;
			}

			/**
			 * Largest delay.
			 * @return the delay, or {@code null} to inherit
			 */
			public @Nullable Duration getMaxBackoff() {
				return this.maxBackoff;
			}

		}

		/**
		 * Dead-lettering of one channel.
		 */
		public static class DeadLetter {

			/**
			 * Whether messages that keep failing go to the dead-letter destination; when disabled they are dropped
			 * with an error log. Inherited from channel-defaults when not set.
			 */
			private final @Nullable Boolean enabled;

			/**
			 * Dead-letter destination. Defaults to the channel's destination followed by '.dlq'.
			 */
			private final @Nullable String destination;

			/**
			 * Creates the settings; called by configuration property binding.
			 * @param enabled whether to dead-letter
			 * @param destination the dead-letter destination
			 */
			public DeadLetter(@Nullable Boolean enabled, @Nullable String destination) {
				this.enabled = enabled;
				this.destination = destination;
			}

			/**
			 * Whether to dead-letter.
			 * @return the flag, or {@code null} to inherit
			 */
			public @Nullable Boolean getEnabled() {
				return this.enabled;
			}

			/**
			 * The dead-letter destination.
			 * @return the destination, or {@code null} for {@code <destination>.dlq}
			 */
			public @Nullable String getDestination() {
				return this.destination;
			}

		}

	}

	/**
	 * Settings every channel inherits.
	 */
	public static class ChannelDefaults {

		/**
		 * The broker channels use. When not set: the one broker binder present (kafka or rabbit, whose client
		 * library is on the class path), memory when there is none; with both present it must be set.
		 */
		private final @Nullable Binder binder;

		/**
		 * Consumer group of this application's listeners. Defaults to spring.application.name; a kafka or rabbit
		 * listener needs one or the other.
		 */
		private final @Nullable String group;

		/**
		 * Retries of a failing listener.
		 */
		private final Retry retry;

		/**
		 * Where messages go when a listener keeps failing.
		 */
		private final DeadLetter deadLetter;

		/**
		 * How long a publish waits for the broker's acknowledgement, and a request-reply publish for the reply.
		 */
		private final Duration requestTimeout;

		/**
		 * Consumer threads per listener in this application.
		 */
		private final int concurrency;

		/**
		 * Publishing through the transactional outbox.
		 */
		private final Outbox outbox;

		/**
		 * Creates the defaults; called by configuration property binding.
		 * @param binder the broker
		 * @param group the consumer group
		 * @param retry listener retries
		 * @param deadLetter dead-lettering
		 * @param requestTimeout request-reply timeout
		 * @param concurrency consumer threads
		 * @param outbox the transactional outbox
		 */
		public ChannelDefaults(@Nullable Binder binder, @Nullable String group,
				@DefaultValue Retry retry, @DefaultValue DeadLetter deadLetter,
				@DefaultValue("5s") Duration requestTimeout, @DefaultValue("1") int concurrency,
				@DefaultValue Outbox outbox) {
			this.binder = binder;
			this.group = group;
			this.retry = retry;
			this.deadLetter = deadLetter;
			this.requestTimeout = requestTimeout;
			this.concurrency = concurrency;
			this.outbox = outbox;
		}

		/**
		 * The transactional outbox every channel inherits.
		 * @return the settings
		 */
		public Outbox getOutbox() {
			return this.outbox;
		}

		/**
		 * Publishing through the transactional outbox, for every channel.
		 */
		public static class Outbox {

			/**
			 * Whether publishes write the message to the outbox table in the caller's transaction, to be relayed to
			 * the broker after commit (see switchboard.outbox.*).
			 */
			private final boolean enabled;

			/**
			 * Creates the settings; called by configuration property binding.
			 * @param enabled whether to publish through the outbox
			 */
			public Outbox(@DefaultValue("false") boolean enabled) {
				this.enabled = enabled;
			}

			/**
			 * Whether to publish through the outbox.
			 * @return the flag
			 */
			public boolean isEnabled() {
				return this.enabled;
			}

		}

		/**
		 * The broker, as configured.
		 * @return the binder, or {@code null} to take the one broker binder present
		 */
		public @Nullable Binder getBinder() {
			return this.binder;
		}

		/**
		 * The consumer group.
		 * @return the group, or {@code null} for spring.application.name
		 */
		public @Nullable String getGroup() {
			return this.group;
		}

		/**
		 * Listener retries.
		 * @return the retry settings
		 */
		public Retry getRetry() {
			return this.retry;
		}

		/**
		 * Dead-lettering.
		 * @return the dead-letter settings
		 */
		public DeadLetter getDeadLetter() {
			return this.deadLetter;
		}

		/**
		 * The request-reply timeout.
		 * @return the timeout
		 */
		public Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		/**
		 * Consumer threads.
		 * @return the concurrency
		 */
		public int getConcurrency() {
			return this.concurrency;
		}

		/**
		 * Retries every channel inherits.
		 */
		public static class Retry {

			/**
			 * Attempts per message including the first; 1 disables retries.
			 */
			private final int maxAttempts;

			/**
			 * Delay before the second attempt.
			 */
			private final Duration backoff;

			/**
			 * Factor each further delay grows by.
			 */
			private final double multiplier;

			/**
			 * Largest delay between attempts.
			 */
			private final Duration maxBackoff;

			/**
			 * Where a failed message waits for its next attempt: 'blocking' retries on the partition or queue,
			 * holding the messages behind it; 'topics' (Kafka only) republishes it to a retry topic so the
			 * partition moves on, giving up per-key order.
			 */
			private final RetrySettings.Mode mode;

			/**
			 * Creates the settings; called by configuration property binding.
			 * @param maxAttempts attempts per message
			 * @param backoff first delay
			 * @param multiplier growth factor
			 * @param maxBackoff largest delay
			 * @param mode where a failed message waits
			 */
			public Retry(@DefaultValue("3") int maxAttempts, @DefaultValue("200ms") Duration backoff,
					@DefaultValue("2") double multiplier, @DefaultValue("5s") Duration maxBackoff,
					@DefaultValue("blocking") RetrySettings.Mode mode) {
				this.maxAttempts = maxAttempts;
				this.backoff = backoff;
				this.multiplier = multiplier;
				this.maxBackoff = maxBackoff;
				this.mode = mode;
			}

			/**
			 * Where a failed message waits.
			 * @return the mode
			 */
			public RetrySettings.Mode getMode() {
				return this.mode;
			}

			/**
			 * Attempts per message.
			 * @return the attempts
			 */
			public int getMaxAttempts() {
				return this.maxAttempts;
			}

			/**
			 * First delay.
			 * @return the delay
			 */
			public Duration getBackoff() {
				return this.backoff;
			}

			/**
			 * Growth factor.
			 * @return the multiplier
			 */
			public double getMultiplier() {
				return this.multiplier;
			}

			/**
			 * Largest delay.
			 * @return the delay
			 */
			public Duration getMaxBackoff() {
				return this.maxBackoff;
			}

		}

		/**
		 * Dead-lettering every channel inherits.
		 */
		public static class DeadLetter {

			/**
			 * Whether messages that keep failing go to the dead-letter destination ('<destination>.dlq' unless a
			 * channel sets one); when disabled they are dropped with an error log.
			 */
			private final boolean enabled;

			/**
			 * Creates the settings; called by configuration property binding.
			 * @param enabled whether to dead-letter
			 */
			public DeadLetter(@DefaultValue("true") boolean enabled) {
				this.enabled = enabled;
			}

			/**
			 * Whether to dead-letter.
			 * @return the flag
			 */
			public boolean isEnabled() {
				return this.enabled;
			}

		}

	}

	/**
	 * Suppression of duplicate deliveries to listeners.
	 */
	public static class Deduplication {

		/**
		 * Whether a message whose id a consumer group already processed is acknowledged without calling the
		 * listener again.
		 */
		private final boolean enabled;

		/**
		 * How long processed message ids are remembered.
		 */
		private final Duration window;

		/**
		 * How many processed message ids are remembered at most; the oldest are forgotten first.
		 */
		private final int maxEntries;

		/**
		 * Creates the settings; called by configuration property binding.
		 * @param enabled whether to drop duplicates
		 * @param window how long ids are remembered
		 * @param maxEntries how many ids are remembered
		 */
		public Deduplication(@DefaultValue("true") boolean enabled, @DefaultValue("10m") Duration window,
				@DefaultValue("100000") int maxEntries) {
			this.enabled = enabled;
			this.window = window;
			this.maxEntries = maxEntries;
		}

		/**
		 * Whether to drop duplicates.
		 * @return the flag
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		/**
		 * How long ids are remembered.
		 * @return the window
		 */
		public Duration getWindow() {
			return this.window;
		}

		/**
		 * How many ids are remembered.
		 * @return the maximum
		 */
		public int getMaxEntries() {
			return this.maxEntries;
		}

	}

}
