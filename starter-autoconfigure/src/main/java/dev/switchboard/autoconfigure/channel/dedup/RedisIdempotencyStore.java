package dev.switchboard.autoconfigure.channel.dedup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.switchboard.core.channel.ClaimResult;
import dev.switchboard.core.channel.IdempotencyStore;

import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.core.types.Expiration;

/**
 * An {@link IdempotencyStore} in Redis, shared by every instance that uses the server. One key per message,
 * {@code <prefix><scope>:<message id>}: {@code P} once processed, or {@code <lease expiry ms>|<token>} while
 * claimed. Every key carries a Redis expiry (the window for a processed message; the lease plus the retention for
 * a claim), so Redis forgets old messages by itself and the store needs no cleanup job.
 * <p>
 * The claim is a small Lua script rather than {@code SET NX PX}: {@code SET NX} cannot tell a new message from a
 * claim whose lease lapsed (Switchboard reports those, and keeps a lapsed claim long enough to notice), nor
 * return the live claim's expiry, which the waiting consumer polls by; the script reads, decides and writes
 * in one atomic step and one round trip. Marking processed is a plain {@code SET ... PXAT} (whoever holds the
 * claim, the message was processed); a release compares the token in a script, so a consumer whose lease
 * lapsed cannot delete its successor's claim.
 *
 * @author Switchboard
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

	private static final RedisScript<String> CLAIM = RedisScript.of("""
			local value = redis.call('GET', KEYS[1])
			local outcome = 'C'
			if value then
			  if value == 'P' then return 'P' end
			  local expiry = tonumber(string.sub(value, 1, string.find(value, '|', 1, true) - 1))
			  if expiry > tonumber(ARGV[2]) then return 'H' .. expiry end
			  outcome = 'R'
			end
			redis.call('SET', KEYS[1], ARGV[3] .. '|' .. ARGV[1], 'PXAT', ARGV[4])
			return outcome
			""", String.class);

	private static final RedisScript<Long> RELEASE = RedisScript.of("""
			local value = redis.call('GET', KEYS[1])
			if value and value ~= 'P' and string.sub(value, string.find(value, '|', 1, true) + 1) == ARGV[1] then
			  return redis.call('DEL', KEYS[1])
			end
			return 0
			""", Long.class);

	private static final byte[] PROCESSED = { 'P' };

	private final StringRedisTemplate redis;

	private final String keyPrefix;

	private final Duration retention;

	/**
	 * Creates a store.
	 * @param redis the application's Redis
	 * @param keyPrefix put before every key
	 * @param retention how long a lapsed claim is kept after its lease expiry, so that taking it over is reported
	 * as {@link ClaimResult#reclaimed()}
	 */
	public RedisIdempotencyStore(StringRedisTemplate redis, String keyPrefix, Duration retention) {
		this.redis = redis;
		this.keyPrefix = keyPrefix;
		this.retention = retention;
	}

	@Override
	public ClaimResult claim(String scope, String messageId, String token, Instant now, Instant leaseExpiry) {
		String result = this.redis.execute(CLAIM, List.of(key(scope, messageId)), token,
				Long.toString(now.toEpochMilli()), Long.toString(leaseExpiry.toEpochMilli()),
				Long.toString(leaseExpiry.plus(this.retention).toEpochMilli()));
		return switch (result.charAt(0)) {
			case 'C' -> ClaimResult.claimed();
			case 'R' -> ClaimResult.reclaimed();
			case 'P' -> ClaimResult.processed();
			case 'H' -> ClaimResult.held(Instant.ofEpochMilli(Long.parseLong(result.substring(1))));
			default -> throw new IllegalStateException("Unexpected answer from the claim script: " + result);
		};
	}

	@Override
	public void markProcessed(String scope, String messageId, Instant rememberUntil) {
		byte[] key = key(scope, messageId).getBytes(StandardCharsets.UTF_8);
		this.redis.execute((RedisCallback<Boolean>) (connection) -> connection.stringCommands()
			.set(key, PROCESSED, Expiration.unixTimestamp(rememberUntil.toEpochMilli(), TimeUnit.MILLISECONDS),
					SetOption.upsert()));
	}

	@Override
	public void release(String scope, String messageId, String token) {
		this.redis.execute(RELEASE, List.of(key(scope, messageId)), token);
	}

	@Override
	public String type() {
		return "redis";
	}

	private String key(String scope, String messageId) {
		return this.keyPrefix + scope + ':' + messageId;
	}

	@Override
	public String toString() {
		return "RedisIdempotencyStore[keyPrefix=" + this.keyPrefix + "]";
	}

}
