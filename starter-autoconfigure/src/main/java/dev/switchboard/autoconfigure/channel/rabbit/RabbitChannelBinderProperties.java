package dev.switchboard.autoconfigure.channel.rabbit;

import java.time.Duration;

import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder.QueueType;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the RabbitMQ channel binder that are Switchboard's own; connection, credentials and SSL come from
 * {@code spring.rabbitmq.*}. Immutable; checked at startup.
 *
 * @author Switchboard
 */
@ConfigurationProperties("switchboard.channel-binders.rabbit")
public class RabbitChannelBinderProperties {

	/**
	 * Type of the queues declared for consumer groups and dead letters: classic, or quorum (replicated, for
	 * clusters).
	 */
	private final QueueType queueType;

	/**
	 * Unacknowledged messages each consumer may hold.
	 */
	private final int prefetch;

	/**
	 * Publish attempts per message, including the first, when the broker nacks or returns it, its confirm times
	 * out or the connection fails.
	 */
	private final int publishAttempts;

	/**
	 * Delay before the second publish attempt; each further one waits twice as long.
	 */
	private final Duration publishBackoff;

	/**
	 * How long a publish waits for the broker's confirm before it is retried.
	 */
	private final Duration confirmTimeout;

	/**
	 * Creates the settings; called by configuration property binding.
	 * @param queueType the queue type
	 * @param prefetch unacknowledged messages per consumer
	 * @param publishAttempts publish attempts per message
	 * @param publishBackoff the first publish retry delay
	 * @param confirmTimeout the confirm timeout
	 */
	public RabbitChannelBinderProperties(@DefaultValue("classic") QueueType queueType,
			@DefaultValue("250") int prefetch, @DefaultValue("5") int publishAttempts,
			@DefaultValue("200ms") Duration publishBackoff, @DefaultValue("10s") Duration confirmTimeout) {
		this.queueType = queueType;
		this.prefetch = prefetch;
		this.publishAttempts = publishAttempts;
		this.publishBackoff = publishBackoff;
		this.confirmTimeout = confirmTimeout;
	}

	/**
	 * The queue type.
	 * @return the queue type
	 */
	public QueueType getQueueType() {
		return this.queueType;
	}

	/**
	 * Unacknowledged messages per consumer.
	 * @return the prefetch
	 */
	public int getPrefetch() {
		return this.prefetch;
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
	 * The confirm timeout.
	 * @return the timeout
	 */
	public Duration getConfirmTimeout() {
		return this.confirmTimeout;
	}

}
