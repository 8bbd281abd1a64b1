package dev.switchboard.core.channel;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An {@link IdempotencyStore} in this process's memory, up to a maximum count of records (the oldest are
 * forgotten first). Catches duplicates delivered to this instance, for example redeliveries after a rebalance or
 * a publisher's retry; a duplicate delivered to another instance of the group, or after a restart, needs a shared
 * store.
 *
 * @author Switchboard
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

	private final int maxEntries;

	private final Duration retention;

	// Insertion order (a record is moved to the tail when written): expired records gather at the head, where
	// each write evicts them; one that a longer-lived record keeps from the head is still treated as absent.
	private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

	/**
	 * Creates a store.
	 * @param maxEntries how many records are kept at most
	 * @param retention how long a lapsed claim is kept after its lease expiry, so that taking it over is reported
	 * as {@link ClaimResult#reclaimed()}
	 */
	public InMemoryIdempotencyStore(int maxEntries, Duration retention) {
		if (maxEntries < 1) {
			throw new IllegalArgumentException("maxEntries must be at least 1 but was " + maxEntries);
		}
		if (retention.isNegative()) {
			throw new IllegalArgumentException("retention must not be negative but was " + retention);
		}
		this.maxEntries = maxEntries;
		this.retention = retention;
	}

	@Override
	public synchronized ClaimResult claim(String scope, String messageId, String token, Instant now,
			Instant leaseExpiry) {
		evictExpired(now);
		String key = key(scope, messageId);
		Entry entry = this.entries.get(key);
		if (entry != null && entry.expiry().isAfter(now)) {
			return (entry.token() == null) ? ClaimResult.processed() : ClaimResult.held(entry.expiry());
		}
		put(key, new Entry(token, leaseExpiry));
		return (entry != null && entry.token() != null) ? ClaimResult.reclaimed() : ClaimResult.claimed();
	}

	@Override
	public synchronized void markProcessed(String scope, String messageId, Instant rememberUntil) {
		put(key(scope, messageId), new Entry(null, rememberUntil));
	}

	@Override
	public synchronized void release(String scope, String messageId, String token) {
		String key = key(scope, messageId);
		Entry entry = this.entries.get(key);
		if (entry != null && token.equals(entry.token())) {
			this.entries.remove(key);
		}
	}

	@Override
	public String type() {
		return "memory";
	}

	/**
	 * How many records are kept now, lapsed ones included until they are evicted.
	 * @return the number of records
	 */
	public synchronized int size() {
		return this.entries.size();
	}

	private void put(String key, Entry entry) {
		this.entries.remove(key);
		this.entries.put(key, entry);
		if (this.entries.size() > this.maxEntries) {
			Iterator<String> eldest = this.entries.keySet().iterator();
			eldest.next();
			eldest.remove();
		}
	}

	private void evictExpired(Instant now) {
		Iterator<Map.Entry<String, Entry>> iterator = this.entries.entrySet().iterator();
		while (iterator.hasNext()) {
			Entry entry = iterator.next().getValue();
			Instant evictAt = (entry.token() != null) ? entry.expiry().plus(this.retention) : entry.expiry();
			if (evictAt.isAfter(now)) {
				return;
			}
			iterator.remove();
		}
	}

	private static String key(String scope, String messageId) {
		return scope + '\u0000' + messageId;
	}

	@Override
	public String toString() {
		return "InMemoryIdempotencyStore[maxEntries=" + this.maxEntries + "]";
	}

	/**
	 * A claim (with the token of its holder) or a processed record (no token), live until its expiry.
	 */
	private record Entry(@Nullable String token, Instant expiry) {

	}

}
