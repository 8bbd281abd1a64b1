package dev.switchboard.core.resilience;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Limits retries (and hedged requests) to a share of recent requests, with a floor so that clients sending
 * few requests may still retry, as Finagle's and Linkerd's retry budgets do. Every first attempt
 * {@linkplain #deposit() deposits} {@code percentCanRetry} of a retry; every retry
 * {@linkplain #tryWithdraw() withdraws} one, and is refused when the balance is short. Deposits and
 * withdrawals expire after {@code ttl}; on top of them a reserve of {@code minRetriesPerSecond * ttl}
 * retries is always available. When the instances fail, retries therefore add at most
 * {@code percentCanRetry} to the load instead of multiplying it.
 * <p>
 * The window is a ring of buckets of one second (a little less when {@code ttl} is not a whole number of
 * seconds): an entry counts for between {@code ttl} and {@code ttl} plus one bucket. Deposits add to the open
 * bucket without locking; withdrawals, which are rarer, take a short lock so that concurrent retries never
 * overdraw the budget.
 *
 * @author Switchboard
 */
public final class RetryBudget {

	/**
	 * Default time a deposit counts for.
	 */
	public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

	/**
	 * Default retries per second allowed whatever the number of requests.
	 */
	public static final int DEFAULT_MIN_RETRIES_PER_SECOND = 10;

	/**
	 * Default share of requests that may be retried.
	 */
	public static final double DEFAULT_PERCENT_CAN_RETRY = 0.2;

	private static final Duration MIN_TTL = Duration.ofSeconds(1);

	private static final Duration MAX_TTL = Duration.ofSeconds(60);

	/** Fixed-point scale: the units one retry costs. */
	private static final long UNITS_PER_RETRY = 1_000_000L;

	private final Duration ttl;

	private final int minRetriesPerSecond;

	private final double percentCanRetry;

	private final LongSupplier nanoClock;

	private final long depositUnits;

	private final long reserveUnits;

	private final long bucketNanos;

	private final long origin;

	/** Closed buckets, indexed by bucket number modulo the length; guarded by {@code this}. */
	private final long[] closed;

	private final LongAdder open = new LongAdder();

	/** The number of the bucket {@link #open} collects, counted from {@link #origin}. */
	private volatile long openBucket;

	/**
	 * Creates a budget with the defaults: a 10 s window, 10 retries per second, 20% of requests, on
	 * {@link System#nanoTime()}.
	 */
	public RetryBudget() {
		this(DEFAULT_TTL, DEFAULT_MIN_RETRIES_PER_SECOND, DEFAULT_PERCENT_CAN_RETRY, System::nanoTime);
	}

	/**
	 * Creates a budget on {@link System#nanoTime()}.
	 * @param ttl how long a deposit counts, from 1 s to 60 s
	 * @param minRetriesPerSecond the retries per second allowed whatever the number of requests, 0 or more
	 * @param percentCanRetry the share of requests that may be retried, as a fraction from 0.0 to 1000.0
	 * ({@code 0.2} allows one retry for five requests)
	 */
	public RetryBudget(Duration ttl, int minRetriesPerSecond, double percentCanRetry) {
		this(ttl, minRetriesPerSecond, percentCanRetry, System::nanoTime);
	}

	/**
	 * Creates a budget.
	 * @param ttl how long a deposit counts, from 1 s to 60 s
	 * @param minRetriesPerSecond the retries per second allowed whatever the number of requests, 0 or more
	 * @param percentCanRetry the share of requests that may be retried, as a fraction from 0.0 to 1000.0
	 * ({@code 0.2} allows one retry for five requests)
	 * @param nanoClock the source of {@link System#nanoTime()}-like timestamps
	 */
	public RetryBudget(Duration ttl, int minRetriesPerSecond, double percentCanRetry, LongSupplier nanoClock) {
		Objects.requireNonNull(ttl, "ttl");
		Objects.requireNonNull(nanoClock, "nanoClock");
		if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
			throw new IllegalArgumentException("ttl must be between 1s and 60s but was " + ttl);
		}
		if (minRetriesPerSecond < 0) {
			throw new IllegalArgumentException("minRetriesPerSecond must not be negative but was "
					+ minRetriesPerSecond);
		}
		if (!(percentCanRetry >= 0.0 && percentCanRetry <= 1000.0)) {
			throw new IllegalArgumentException("percentCanRetry must be between 0.0 and 1000.0 but was "
					+ percentCanRetry);
		}
		this.ttl = ttl;
		this.minRetriesPerSecond = minRetriesPerSecond;
		this.percentCanRetry = percentCanRetry;
		this.nanoClock = nanoClock;
		this.depositUnits = Math.round(percentCanRetry * UNITS_PER_RETRY);
		long ttlNanos = ttl.toNanos();
		this.reserveUnits = Math.round(minRetriesPerSecond * (ttlNanos / 1e9) * UNITS_PER_RETRY);
		int buckets = (int) ((ttlNanos + 999_999_999L) / 1_000_000_000L);
		this.bucketNanos = ttlNanos / buckets;
		// One bucket more than the window: the open one, which is still filling.
		this.closed = new long[buckets + 1];
		this.origin = nanoClock.getAsLong();
	}

	/**
	 * Records a request: call it once for every first attempt, not for retries.
	 */
	public void deposit() {
		long bucket = bucket(this.nanoClock.getAsLong());
		if (bucket != this.openBucket) {
			advance(bucket);
		}
		this.open.add(this.depositUnits);
	}

	/**
	 * Takes one retry from the budget if the balance allows it. Call it before every retry or hedged request.
	 * @return {@code true} if the retry may go ahead, {@code false} if it must not be sent
	 */
	public boolean tryWithdraw() {
		long bucket = bucket(this.nanoClock.getAsLong());
		synchronized (this) {
			advance(bucket);
			if (balanceUnits() < UNITS_PER_RETRY) {
				return false;
			}
			this.open.add(-UNITS_PER_RETRY);
			return true;
		}
	}

	/**
	 * The retries the budget allows now, for diagnostics.
	 * @return the balance in retries, possibly fractional; negative while retries still in the window outlive
	 * the deposits that paid for them
	 */
	public double balance() {
		long bucket = bucket(this.nanoClock.getAsLong());
		synchronized (this) {
			advance(bucket);
			return (double) balanceUnits() / UNITS_PER_RETRY;
		}
	}

	/**
	 * How long a deposit counts.
	 * @return the window
	 */
	public Duration getTtl() {
		return this.ttl;
	}

	/**
	 * The retries per second allowed whatever the number of requests.
	 * @return the floor
	 */
	public int getMinRetriesPerSecond() {
		return this.minRetriesPerSecond;
	}

	/**
	 * The share of requests that may be retried.
	 * @return the share as a fraction
	 */
	public double getPercentCanRetry() {
		return this.percentCanRetry;
	}

	private long bucket(long now) {
		return Math.max(now - this.origin, 0) / this.bucketNanos;
	}

	/** Guarded by {@code this}. */
	private long balanceUnits() {
		long sum = this.reserveUnits + this.open.sum();
		for (long units : this.closed) {
			sum += units;
		}
		return sum;
	}

	private synchronized void advance(long bucket) {
		long current = this.openBucket;
		if (bucket <= current) {
			return;
		}
		int length = this.closed.length;
		// A deposit racing with this lands in the next bucket: one second late, never lost.
		this.closed[(int) (current % length)] = this.open.sumThenReset();
		// Clear the buckets that went by without activity, and the new open one; all of them after a long pause.
		long cleared = Math.min(bucket - current, length);
		for (long expired = bucket - cleared + 1; expired <= bucket; expired++) {
			this.closed[(int) (expired % length)] = 0;
		}
		this.openBucket = bucket;
	}

	@Override
	public String toString() {
		return "RetryBudget[ttl=" + this.ttl + ", minRetriesPerSecond=" + this.minRetriesPerSecond
				+ ", percentCanRetry=" + this.percentCanRetry + "]";
	}

}
