package dev.switchboard.core.channel;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How a binder runs one subscription: parallelism, retries and where failed messages go.
 *
 * @param concurrency the number of consumers in this process (Kafka: consumer threads of the container;
 * RabbitMQ: concurrent consumers); messages with the same key are always processed by the same one, in order
 * @param retry the retry policy for a failing handler
 * @param deadLetter where a message goes when retries are exhausted or it is unreadable, or {@code null} to drop
 * it with an error log
 * @author Switchboard
 */
public record ConsumerSettings(int concurrency, RetrySettings retry, @Nullable ChannelDestination deadLetter) {

	/**
	 * Checks the values.
	 * @param concurrency the number of consumers
	 * @param retry the retry policy
	 * @param deadLetter the dead-letter destination or {@code null}
	 */
	public ConsumerSettings {
		if (concurrency < 1) {
			throw new IllegalArgumentException("concurrency must be at least 1 but was " + concurrency);
		}
		Objects.requireNonNull(retry, "retry");
	}

	/**
	 * One consumer, {@link RetrySettings#ofDefaults() default retries}, no dead-letter destination.
	 * @return default settings
	 */
	public static ConsumerSettings ofDefaults() {
		return new ConsumerSettings(1, RetrySettings.ofDefaults(), null);
	}

}
