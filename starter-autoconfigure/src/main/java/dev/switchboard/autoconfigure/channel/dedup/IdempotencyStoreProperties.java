package dev.switchboard.autoconfigure.channel.dedup;

import java.time.Duration;

import dev.switchboard.autoconfigure.diagnostics.PropertyChecks;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where duplicate suppression remembers messages, and how long a claim lives. The window and the size bound are
 * {@code switchboard.channel-deduplication.window} and {@code max-entries}; the JDBC store's schema settings are
 * under {@code switchboard.channel-deduplication.jdbc} ({@link JdbcIdempotencyStoreProperties}). Immutable;
 * checked when bound, each bad value reported with its property.
 *
 * @author Switchboard
 */
@ConfigurationProperties(IdempotencyStoreProperties.PREFIX)
public class IdempotencyStoreProperties {

	static final String PREFIX = "switchboard.channel-deduplication";

	/**
	 * Where processed message ids are remembered: memory (this instance only, lost on restart), jdbc (a table
	 * in the application's DataSource) or redis (Spring Data Redis, spring.data.redis.*); jdbc and redis are
	 * shared by every instance and survive restarts.
	 */
	private final StoreType store;

	/**
	 * How long a delivery's claim on its message lives while the listener runs. Must be longer than any listener
	 * run: when a consumer dies mid-listener, the redelivery runs the listener again once this has passed.
	 */
	private final Duration claimTimeout;

	/**
	 * Prefix of the Redis keys of the redis store.
	 */
	private final String redisKeyPrefix;

	/**
	 * Creates the settings; called by configuration property binding.
	 * @param store where message ids are remembered
	 * @param claimTimeout how long a claim lives
	 * @param redisKeyPrefix the Redis key prefix
	 */
	public IdempotencyStoreProperties(@DefaultValue("memory") StoreType store, @DefaultValue("2m") Duration claimTimeout,
			@DefaultValue("switchboard:dedup:") String redisKeyPrefix) {
		this.store = store;
		PropertyChecks.positive(PREFIX + ".claim-timeout", claimTimeout);
		this.claimTimeout = claimTimeout;
		this.redisKeyPrefix = redisKeyPrefix;
	}

	/**
	 * Where message ids are remembered.
	 * @return the store type
	 */
	public StoreType getStore() {
		return this.store;
	}

	/**
	 * How long a claim lives.
	 * @return the claim timeout
	 */
	public Duration getClaimTimeout() {
		return this.claimTimeout;
	}

	/**
	 * The Redis key prefix.
	 * @return the prefix
	 */
	public String getRedisKeyPrefix() {
		return this.redisKeyPrefix;
	}

	/**
	 * The stores.
	 */
	public enum StoreType {

		/** In this instance's memory. */
		MEMORY("memory", null, null),

		/** A table in the application's database. */
		JDBC("jdbc", "org.springframework.jdbc.core.JdbcTemplate",
				"org.springframework.boot:spring-boot-starter-jdbc and a JDBC driver"),

		/** Redis through Spring Data Redis. */
		REDIS("redis", "org.springframework.data.redis.core.StringRedisTemplate",
				"org.springframework.boot:spring-boot-starter-data-redis");

		private final String id;

		private final @Nullable String requiredClass;

		private final @Nullable String dependency;

		StoreType(String id, @Nullable String requiredClass, @Nullable String dependency) {
			this.id = id;
			this.requiredClass = requiredClass;
			this.dependency = dependency;
		}

		/**
		 * The name written in configuration.
		 * @return the id
		 */
		public String id() {
			return this.id;
		}

		@Nullable String requiredClass() {
			return this.requiredClass;
		}

		@Nullable String dependency() {
			return this.dependency;
		}

	}

}
