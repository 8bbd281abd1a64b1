package dev.switchboard.core.resilience;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.jspecify.annotations.Nullable;

/**
 * Keeps the latencies of a client's most recent calls and answers a percentile of them, for hedging delays.
 * Recording is lock-free; the percentile is recomputed from a copy at most every {@code 1/8} of the window's
 * calls, so reading it is cheap too.
 *
 * @author Switchboard
 */
public final class LatencyTracker {

	private final AtomicLongArray samples;

	private final AtomicLong count = new AtomicLong();

	private final double percentile;

	private volatile long cachedNanos = -1;

	private volatile long cachedAt = -1;

	/**
	 * Creates a tracker.
	 * @param window how many recent calls to keep
	 * @param percentile the percentile to answer, such as 95
	 */
	public LatencyTracker(int window, double percentile) {
		if (window < 8) {
			throw new IllegalArgumentException("window must be at least 8 but was " + window);
		}
		if (!(percentile > 0 && percentile < 100)) {
			throw new IllegalArgumentException("percentile must be between 0 and 100 but was " + percentile);
		}
		this.samples = new AtomicLongArray(window);
		this.percentile = percentile;
	}

	/**
	 * Records the latency of one call.
	 * @param nanos the latency in nanoseconds
	 */
	public void record(long nanos) {
		long index = this.count.getAndIncrement();
		this.samples.set((int) (index % this.samples.length()), nanos);
	}

	/**
	 * The configured percentile of the recent latencies.
	 * @return the percentile, or {@code null} before enough calls (a quarter of the window) were recorded
	 */
	public @Nullable Duration percentile() {
		long recorded = this.count.get();
		int window = this.samples.length();
		if (recorded < window / 4) {
			return null;
		}
		if (this.cachedAt < 0 || recorded - this.cachedAt >= window / 8) {
			int size = (int) Math.min(recorded, window);
			long[] copy = new long[size];
			for (int i = 0; i < size; i++) {
				copy[i] = this.samples.get(i);
			}
			Arrays.sort(copy);
			int rank = (int) Math.ceil(this.percentile / 100.0 * size) - 1;
			this.cachedNanos = copy[Math.max(0, Math.min(size - 1, rank))];
			this.cachedAt = recorded;
		}
		return Duration.ofNanos(this.cachedNanos);
	}

}
