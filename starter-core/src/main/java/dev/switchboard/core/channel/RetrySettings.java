package dev.switchboard.core.channel;

import java.time.Duration;
import java.util.Objects;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * How a consumer retries a failed message before dead-lettering it: exponential backoff capped at a maximum.
 * Every binder waits by the same Spring {@link BackOff} ({@link #backOff()}): Spring Kafka's error handler and
 * Spring AMQP's retry interceptor take it as it is, and the in-memory binder and Kafka's retry topics step through
 * it; calls use the same type (see {@code CallPolicy}).
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
	 * The waits between attempts as a Spring {@link BackOff}: {@code maxAttempts - 1} delays, then
	 * {@link BackOffExecution#STOP}.
	 * @return a new backoff; each {@link BackOff#start()} counts afresh
	 */
	public BackOff backOff() {
		ExponentialBackOff backOff = exponential();
		backOff.setMaxAttempts(this.maxAttempts - 1);
		return backOff;
	}

	/**
	 * The delay after a failed attempt, for a retry that keeps no execution between attempts (a record on a retry
	 * topic carries only its attempt number): the {@code failedAttempt}-th delay of {@link #backOff()}, without its
	 * limit on attempts.
	 * @param failedAttempt the attempt that failed, starting at 1
	 * @return the delay before the next attempt
	 */
	public Duration backoffAfter(int failedAttempt) {
		BackOffExecution execution = exponential().start();
		long delay = execution.nextBackOff();
		for (int attempt = 1; attempt < failedAttempt && delay < this.maxBackoff.toMillis(); attempt++) {
			delay = execution.nextBackOff();
		}
		return Duration.ofMillis(delay);
	}

	private ExponentialBackOff exponential() {
		ExponentialBackOff backOff = new ExponentialBackOff(this.backoff.toMillis(), this.multiplier);
		backOff.setMaxInterval(this.maxBackoff.toMillis());
		return backOff;
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
