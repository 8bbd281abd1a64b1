package dev.switchboard.autoconfigure.channel.dedup;

import java.util.Set;
import java.util.UUID;

import dev.switchboard.core.channel.IdempotencyStore;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The store contract on {@link RedisIdempotencyStore} in Redis on 127.0.0.1:6379, under a key prefix of this
 * run.
 *
 * @author Switchboard
 */
class RedisIdempotencyStoreContractTests extends AbstractIdempotencyStoreContractTests {

	private final String keyPrefix = "switchboard-test:" + UUID.randomUUID().toString().substring(0, 8) + ":";

	private LettuceConnectionFactory connectionFactory;

	private StringRedisTemplate redis;

	@Override
	IdempotencyStore createStore() {
		this.connectionFactory = new LettuceConnectionFactory("127.0.0.1", 6379);
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.redis = new StringRedisTemplate(this.connectionFactory);
		return new RedisIdempotencyStore(this.redis, this.keyPrefix, RETENTION);
	}

	@Override
	void cleanUp(String scopePrefix) {
		Set<String> keys = this.redis.keys(this.keyPrefix + "*");
		if (!keys.isEmpty()) {
			this.redis.delete(keys);
		}
		this.connectionFactory.destroy();
	}

}
