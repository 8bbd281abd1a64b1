package dev.switchboard.autoconfigure.channel.rabbit;

import java.time.Duration;

import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder.QueueType;

import dev.switchboard.autoconfigure.diagnostics.PropertyChecks;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the RabbitMQ channel binder that are Switchboard's own; connection, credentials and SSL come from
 * {@code spring.rabbitmq.*}, consumers' prefetch and executor from {@code spring.rabbitmq.listener.simple.*}. Immutable; checked when bound, each bad value reported with its property.
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
	 * @param publishAttempts publish attempts per message
	 * @param publishBackoff the first publish retry delay
	 * @param maxPending the most publishes pending at once
	 */
	public RabbitChannelBinderProperties(@DefaultValue("classic") QueueType queueType,
			@DefaultValue("5") int publishAttempts,
			@DefaultValue("200ms") Duration publishBackoff, @DefaultValue("10000") int maxPending) {
		this.queueType = queueType;
		this.publishAttempts = PropertyChecks.atLeast(PREFIX + "publish-attempts", publishAttempts, 1,
				"1 means no retry");
		this.publishBackoff = PropertyChecks.notNegative(PREFIX + "publish-backoff", publishBackoff);
		this.maxPending = PropertyChecks.atLeast(PREFIX + "max-pending", maxPending, 1, null);
	}

	/**
	 * The queue type.
	 * @return the queue type
	 */
	public QueueType getQueueType() {
		return this.queueType;
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

}
