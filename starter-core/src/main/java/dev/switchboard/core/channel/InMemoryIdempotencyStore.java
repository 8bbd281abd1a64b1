package dev.switchboard.core.channel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@link IdempotencyStore} in this process's memory: ids are remembered for a time window and up to a
 * maximum count (the oldest are forgotten first). Catches duplicates delivered to this instance, for example
 * redeliveries after a rebalance or a publisher's retry; a duplicate delivered to another instance of the group
 * needs a shared store.
 *
 * @author Switchboard
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

	private final Duration window;

	private final int maxEntries;

	private final Clock clock;

	// Insertion order equals expiry order (one window for all), so expired ids are always at the head.
	private final LinkedHashMap<String, Instant> expiries = new LinkedHashMap<>();

	/**
	 * Creates a store.
	 * @param window how long an id is remembered
	 * @param maxEntries how many ids are remembered at most
	 * @param clock the clock that ages ids
	 */
	public InMemoryIdempotencyStore(Duration window, int maxEntries, Clock clock) {
		if (window.isNegative() || window.isZero()) {
			throw new IllegalArgumentException("window must be positive but was " + window);
		}
		if (maxEntries < 1) {
			throw new IllegalArgumentException("maxEntries must be at least 1 but was " + maxEntries);
		}
		this.window = window;
		this.maxEntries = maxEntries;
		this.clock = clock;
	}

	/**
	 * Creates a store on the system clock.
	 * @param window how long an id is remembered
	 * @param maxEntries how many ids are remembered at most
	 */
	public InMemoryIdempotencyStore(Duration window, int maxEntries) {
		this(window, maxEntries, Clock.systemUTC());
	}

	@Override
	public synchronized boolean tryClaim(String scope, String messageId) {
		Instant now = this.clock.instant();
		evictExpired(now);
		String key = key(scope, messageId);
		if (this.expiries.containsKey(key)) {
			return false;
		}
		this.expiries.put(key, now.plus(this.window));
		if (this.expiries.size() > this.maxEntries) {
			Iterator<String> eldest = this.expiries.keySet().iterator();
			eldest.next();
			eldest.remove();
		}
		return true;
	}

	@Override
	public synchronized void release(String scope, String messageId) {
		this.expiries.remove(key(scope, messageId));
	}

	/**
	 * How many ids are remembered now.
	 * @return the number of ids
	 */
	public synchronized int size() {
		evictExpired(this.clock.instant());
		return this.expiries.size();
	}

	private void evictExpired(Instant now) {
		Iterator<Map.Entry<String, Instant>> entries = this.expiries.entrySet().iterator();
		while (entries.hasNext() && !entries.next().getValue().isAfter(now)) {
			entries.remove();
		}
	}

	private static String key(String scope, String messageId) {
		return scope + '\u0000' + messageId;
	}

	@Override
	public String toString() {
		return "InMemoryIdempotencyStore[window=" + this.window + ", maxEntries=" + this.maxEntries + "]";
	}

}
