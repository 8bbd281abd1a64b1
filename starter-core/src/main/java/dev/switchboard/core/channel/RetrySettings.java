package dev.switchboard.core.channel;

import java.time.Duration;
import java.util.Objects;

/**
 * How a consumer retries a failed message before dead-lettering it: exponential backoff capped at a maximum.
 * Maps directly onto Spring Kafka's {@code ExponentialBackOffWithMaxRetries} and Spring AMQP's
 * {@code RetryInterceptorBuilder.backOffOptions}.
 *
 * @param maxAttempts total attempts including the first, at least 1
 * @param backoff the delay before the second attempt
 * @param multiplier the factor each further delay grows by, at least 1
 * @param maxBackoff the largest delay
 * @param mode where a failed message waits for its next attempt; a binder that cannot honour the mode is refused
 * when the channel's settings are resolved
 * @author Switchboard
 */
public record RetrySettings(int maxAttempts, Duration backoff, double multiplier, Duration maxBackoff, Mode mode) {

	/**
	 * Blocking retries with the given backoff.
	 * @param maxAttempts total attempts
	 * @param backoff the first delay
	 * @param multiplier the growth factor
	 * @param maxBackoff the largest delay
	 */
	public RetrySettings(int maxAttempts, Duration backoff, double multiplier, Duration maxBackoff) {
		this(maxAttempts, backoff, multiplier, maxBackoff, Mode.BLOCKING);
	}

	/**
	 * Checks the values.
	 * @param maxAttempts total attempts
	 * @param backoff the first delay
	 * @param multiplier the growth factor
	 * @param maxBackoff the largest delay
	 * @param mode where a failed message waits
	 */
	public RetrySettings {
		Objects.requireNonNull(mode, "mode");
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1 but was " + maxAttempts);
		}
		if (backoff.isNegative()) {
			throw new IllegalArgumentException("backoff must not be negative but was " + backoff);
		}
		if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
			throw new IllegalArgumentException("multiplier must be at least 1 but was " + multiplier);
		}
		if (maxBackoff.compareTo(backoff) < 0) {
			throw new IllegalArgumentException(
					"maxBackoff must not be less than backoff (" + backoff + ") but was " + maxBackoff);
		}
	}

	/**
	 * Three attempts, 200 ms then 400 ms apart, delays capped at 5 s.
	 * @return the default settings
	 */
	public static RetrySettings ofDefaults() {
		return new RetrySettings(3, Duration.ofMillis(200), 2.0, Duration.ofSeconds(5));
	}

	/**
	 * No retry: a failed message is dead-lettered at once.
	 * @return settings with one attempt
	 */
	public static RetrySettings none() {
		return new RetrySettings(1, Duration.ZERO, 1.0, Duration.ZERO);
	}

	/**
	 * The delay after a failed attempt.
	 * @param failedAttempt the attempt that failed, starting at 1
	 * @return the delay before the next attempt
	 */
	public Duration backoffAfter(int failedAttempt) {
		double millis = this.backoff.toMillis() * Math.pow(this.multiplier, Math.max(0, failedAttempt - 1));
		long capped = (long) Math.min(millis, this.maxBackoff.toMillis());
		return Duration.ofMillis(capped);
	}

	/**
	 * Where a failed message waits for its next attempt.
	 */
	public enum Mode {

		/**
		 * On the consumer, in place: the message's partition or queue position waits with it, so the messages
		 * behind it (of every key) wait too and per-key order holds.
		 */
		BLOCKING,

		/**
		 * On a retry topic (Kafka only): the failed message is republished and retried from there when due, while
		 * the messages behind it flow on at once; a retried message overtakes later messages of its key.
		 */
		TOPICS

	}

}
