package dev.switchboard.autoconfigure.channel.rabbit;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder.QueueType;
import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.autoconfigure.diagnostics.PropertyChecks;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the RabbitMQ channel binder that are Switchboard's own; connection, credentials and SSL come from
 * {@code spring.rabbitmq.*}, consumers' prefetch and executor from {@code spring.rabbitmq.listener.simple.*}.
 * Immutable; checked when bound, each bad value reported with its property.
 *
 * @author Switchboard
 */
@ConfigurationProperties("switchboard.channel-binders.rabbit")
public class RabbitChannelBinderProperties {

	private static final String PREFIX = "switchboard.channel-binders.rabbit.";

	/**
	 * Type of the queues declared for consumer groups and dead letters: classic, or quorum (replicated, for
	 * clusters).
	 */
	private final QueueType queueType;

	/**
	 * Deliveries of a message that end without an acknowledgement (its consumer crashed or lost its connection)
	 * before the broker moves it to the channel's dead-letter destination (or drops it when the channel has none).
	 * Quorum queues only; unset means no limit.
	 */
	private final @Nullable Integer deliveryLimit;

	/**
	 * Queue settings of particular channels, by channel name; each unset value is the binder-wide one.
	 */
	private final Map<String, ChannelQueue> channels;

	/**
	 * Publish attempts per message, including the first, when the broker nacks or returns it or the connection
	 * fails; all of them within the channel's request-timeout, the deadline of every publish.
	 */
	private final int publishAttempts;

	/**
	 * Delay before the second publish attempt; each further one waits twice as long.
	 */
	private final Duration publishBackoff;

	/**
	 * Most publishes pending at once (queued, or sent and awaiting the broker's confirm); beyond that a publish
	 * fails at once with MessageNotPublishedException, so an unreachable broker costs bounded memory.
	 */
	private final int maxPending;

	/**
	 * Creates the settings; called by configuration property binding.
	 * @param queueType the queue type
	 * @param deliveryLimit the delivery limit of quorum queues, or {@code null}
	 * @param channels queue settings by channel
	 * @param publishAttempts publish attempts per message
	 * @param publishBackoff the first publish retry delay
	 * @param maxPending the most publishes pending at once
	 */
	public RabbitChannelBinderProperties(@DefaultValue("classic") QueueType queueType,
			@Nullable Integer deliveryLimit, @Nullable Map<String, ChannelQueue> channels,
			@DefaultValue("5") int publishAttempts,
			@DefaultValue("200ms") Duration publishBackoff, @DefaultValue("10000") int maxPending) {
		this.queueType = queueType;
		this.deliveryLimit = checkDeliveryLimit(PREFIX + "delivery-limit", deliveryLimit, queueType);
		this.channels = (channels != null) ? Map.copyOf(channels) : Map.of();
		this.channels.forEach((name, channel) -> checkDeliveryLimit(PREFIX + "channels." + name + ".delivery-limit",
				channel.getDeliveryLimit(), (channel.getQueueType() != null) ? channel.getQueueType() : queueType));
		this.publishAttempts = PropertyChecks.atLeast(PREFIX + "publish-attempts", publishAttempts, 1,
				"1 means no retry");
		this.publishBackoff = PropertyChecks.notNegative(PREFIX + "publish-backoff", publishBackoff);
		this.maxPending = PropertyChecks.atLeast(PREFIX + "max-pending", maxPending, 1, null);
	}

	private static @Nullable Integer checkDeliveryLimit(String property, @Nullable Integer limit, QueueType type) {
		if (limit != null) {
			PropertyChecks.atLeast(property, limit, 1, null);
			if (type != QueueType.QUORUM) {
				throw new InvalidSwitchboardPropertyException(property, limit,
						"needs quorum queues, but the channel's queues are " + type.name().toLowerCase(Locale.ROOT),
						"set queue-type: quorum beside it, or remove it");
			}
		}
		return limit;
	}

	/**
	 * The queue type.
	 * @return the queue type
	 */
	public QueueType getQueueType() {
		return this.queueType;
	}

	/**
	 * The delivery limit of quorum queues.
	 * @return the limit, or {@code null} for none
	 */
	public @Nullable Integer getDeliveryLimit() {
		return this.deliveryLimit;
	}

	/**
	 * Queue settings of particular channels.
	 * @return the settings by channel name
	 */
	public Map<String, ChannelQueue> getChannels() {
		return this.channels;
	}

	/**
	 * The binder-wide queue settings, for channels without settings of their own.
	 * @return the queue settings
	 */
	public RabbitChannelBinder.QueueSettings defaultQueueSettings() {
		return new RabbitChannelBinder.QueueSettings(this.queueType,
				(this.queueType == QueueType.QUORUM) ? this.deliveryLimit : null);
	}

	/**
	 * The queue settings of one channel, each value the binder-wide one when unset.
	 * @param channel the channel name
	 * @return the queue settings
	 */
	public RabbitChannelBinder.QueueSettings queueSettings(String channel) {
		ChannelQueue queue = this.channels.get(channel);
		QueueType type = (queue != null && queue.getQueueType() != null) ? queue.getQueueType() : this.queueType;
		Integer limit = (queue != null && queue.getDeliveryLimit() != null) ? queue.getDeliveryLimit()
				: ((type == QueueType.QUORUM) ? this.deliveryLimit : null);
		return new RabbitChannelBinder.QueueSettings(type, limit);
	}

	/**
	 * Publish attempts per message.
	 * @return the attempts
	 */
	public int getPublishAttempts() {
		return this.publishAttempts;
	}

	/**
	 * The first publish retry delay.
	 * @return the delay
	 */
	public Duration getPublishBackoff() {
		return this.publishBackoff;
	}

	/**
	 * The most publishes pending at once.
	 * @return the bound
	 */
	public int getMaxPending() {
		return this.maxPending;
	}

	/**
	 * Queue settings of one channel.
	 */
	public static class ChannelQueue {

		/**
		 * Type of the channel's group and dead-letter queues; the binder-wide queue-type when unset.
		 */
		private final @Nullable QueueType queueType;

		/**
		 * Deliveries of a message without acknowledgement before the broker dead-letters it; quorum queues only.
		 * The binder-wide delivery-limit when unset.
		 */
		private final @Nullable Integer deliveryLimit;

		/**
		 * Creates the settings; called by configuration property binding.
		 * @param queueType the queue type, or {@code null} for the binder's
		 * @param deliveryLimit the delivery limit, or {@code null} for the binder's
		 */
		public ChannelQueue(@Nullable QueueType queueType, @Nullable Integer deliveryLimit) {
			this.queueType = queueType;
			this.deliveryLimit = deliveryLimit;
		}

		/**
		 * The queue type.
		 * @return the type, or {@code null} for the binder's
		 */
		public @Nullable QueueType getQueueType() {
			return this.queueType;
		}

		/**
		 * The delivery limit.
		 * @return the limit, or {@code null} for the binder's
		 */
		public @Nullable Integer getDeliveryLimit() {
			return this.deliveryLimit;
		}

	}

}
