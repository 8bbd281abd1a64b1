package dev.switchboard.test.fault.consumer;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The consumer crash with the shared Redis store (127.0.0.1:6379), under a key prefix of this run.
 *
 * @author Switchboard
 */
class RabbitConsumerCrashRedisStoreTests extends AbstractRabbitConsumerCrashSharedStoreTests {

	private static final String KEY_PREFIX = "switchboard-test:crash-" + UUID.randomUUID().toString().substring(0, 8)
			+ ":";

	private static LettuceConnectionFactory redisConnectionFactory;

	private static StringRedisTemplate redis;

	@BeforeAll
	static void connectRedis() {
		redisConnectionFactory = new LettuceConnectionFactory("127.0.0.1", 6379);
		redisConnectionFactory.afterPropertiesSet();
		redisConnectionFactory.start();
		redis = new StringRedisTemplate(redisConnectionFactory);
	}

	@AfterAll
	static void disconnectRedis() {
		redisConnectionFactory.destroy();
	}

	@Override
	protected List<String> storeProperties() {
		return List.of("switchboard.channel-deduplication.store=redis",
				"switchboard.channel-deduplication.redis-key-prefix=" + KEY_PREFIX, "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=6379");
	}

	@Override
	protected int countRecords(String scope, boolean claims) {
		// A processed message's value is "P"; a claim's is "<lease expiry>|<token>". One MGET reads every value at
		// nearly one instant: read one key at a time, a claim of ~20 ms is gone before its turn comes.
		Set<String> keys = keys(scope);
		if (keys.isEmpty()) {
			return 0;
		}
		List<String> values = redis.opsForValue().multiGet(keys);
		int count = 0;
		for (String value : (values != null) ? values : List.<String>of()) {
			if (value != null && claims != "P".equals(value)) {
				count++;
			}
		}
		return count;
	}

	@Override
	protected void deleteRecords(String scope) {
		Set<String> keys = keys(scope);
		if (!keys.isEmpty()) {
			redis.delete(keys);
		}
	}

	private static Set<String> keys(String scope) {
		return redis.keys(KEY_PREFIX + scope + ":*");
	}

}
