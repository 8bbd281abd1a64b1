package dev.switchboard.core.resilience;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff between attempts, with jitter so that clients that failed together do not retry
 * together. Retry {@code n} waits around {@code initial * multiplier^(n-1)}, capped at {@code max}; how the
 * jitter spreads the wait is set by {@link Jitter}.
 *
 * @author Switchboard
 */
public final class Backoff {

	private final Duration initial;

	private final double multiplier;

	private final Duration max;

	private final Jitter jitter;

	private final long initialNanos;

	private final long maxNanos;

	/**
	 * Creates a backoff with {@linkplain Jitter#EQUAL equal jitter}.
	 * @param initial the wait before the first retry, positive
	 * @param multiplier the factor between successive waits, at least 1.0
	 * @param max the longest wait, at least {@code initial}
	 */
	public Backoff(Duration initial, double multiplier, Duration max) {
		this(initial, multiplier, max, Jitter.EQUAL);
	}

	/**
	 * Creates a backoff.
	 * @param initial the wait before the first retry, positive
	 * @param multiplier the factor between successive waits, at least 1.0
	 * @param max the longest wait, at least {@code initial}
	 * @param jitter how the wait is spread
	 */
	public Backoff(Duration initial, double multiplier, Duration max, Jitter jitter) {
		Objects.requireNonNull(initial, "initial");
		Objects.requireNonNull(max, "max");
		Objects.requireNonNull(jitter, "jitter");
		if (initial.isNegative() || initial.isZero()) {
			throw new IllegalArgumentException("initial must be positive but was " + initial);
		}
		if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
			throw new IllegalArgumentException("multiplier must be at least 1.0 and finite but was " + multiplier);
		}
		if (max.compareTo(initial) < 0) {
			throw new IllegalArgumentException("max must be at least initial (" + initial + ") but was " + max);
		}
		this.initial = initial;
		this.multiplier = multiplier;
		this.max = max;
		this.jitter = jitter;
		this.initialNanos = initial.toNanos();
		this.maxNanos = max.toNanos();
	}

	/**
	 * The wait before a retry.
	 * @param retryNumber the retry, {@code 1} for the first retry (the second attempt)
	 * @return the wait, between zero and {@code max}
	 */
	public Duration delay(int retryNumber) {
		if (retryNumber < 1) {
			throw new IllegalArgumentException("retryNumber must be at least 1 but was " + retryNumber);
		}
		long ceiling = ceilingNanos(retryNumber);
		return switch (this.jitter) {
			case NONE -> Duration.ofNanos(ceiling);
			case FULL -> Duration.ofNanos(random(ceiling));
			case EQUAL -> {
				long half = ceiling / 2;
				yield Duration.ofNanos(ceiling - half + random(half));
			}
		};
	}

	/**
	 * The wait before a retry without jitter: the largest {@link #delay(int)} may return.
	 * @param retryNumber the retry, {@code 1} for the first retry
	 * @return {@code initial * multiplier^(retryNumber-1)}, capped at {@code max}
	 */
	public Duration maxDelay(int retryNumber) {
		if (retryNumber < 1) {
			throw new IllegalArgumentException("retryNumber must be at least 1 but was " + retryNumber);
		}
		return Duration.ofNanos(ceilingNanos(retryNumber));
	}

	/**
	 * The wait before the first retry.
	 * @return the initial wait
	 */
	public Duration getInitial() {
		return this.initial;
	}

	/**
	 * The factor between successive waits.
	 * @return the multiplier
	 */
	public double getMultiplier() {
		return this.multiplier;
	}

	/**
	 * The longest wait.
	 * @return the cap
	 */
	public Duration getMax() {
		return this.max;
	}

	/**
	 * How the wait is spread.
	 * @return the jitter
	 */
	public Jitter getJitter() {
		return this.jitter;
	}

	private long ceilingNanos(int retryNumber) {
		// In double arithmetic a large exponent overflows to infinity, which the cap absorbs.
		double nanos = this.initialNanos * Math.pow(this.multiplier, retryNumber - 1);
		return (nanos >= this.maxNanos) ? this.maxNanos : (long) nanos;
	}

	/** A uniform random number of nanoseconds from 0 to {@code bound}, both included. */
	private static long random(long bound) {
		long exclusive = (bound < Long.MAX_VALUE) ? bound + 1 : bound;
		return ThreadLocalRandom.current().nextLong(exclusive);
	}

	/**
	 * Waits before a retry.
	 * @param delay how long to wait
	 * @return {@code false} if the thread was interrupted (its interrupt flag is set again): stop retrying
	 */
	public static boolean sleep(Duration delay) {
		try {
			Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Override
	public String toString() {
		return "Backoff[initial=" + this.initial + ", multiplier=" + this.multiplier + ", max=" + this.max
				+ ", jitter=" + this.jitter + "]";
	}

	/**
	 * How the wait before a retry is spread below its ceiling {@code c = min(max, initial * multiplier^(n-1))}.
	 */
	public enum Jitter {

		/** Exactly {@code c}: no spread. */
		NONE,

		/** Uniform between zero and {@code c}: the least contention, but some retries come at once. */
		FULL,

		/** Uniform between {@code c / 2} and {@code c}: spread, with a guaranteed wait. */
		EQUAL

	}

}
