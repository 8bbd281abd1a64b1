package dev.switchboard.autoconfigure.channel.dedup;

import java.util.List;
import java.util.Set;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Two consumer instances sharing the Redis store (127.0.0.1:6379), under a key prefix of this run.
 *
 * @author Switchboard
 */
class RedisSharedStoreDeliveryTests extends AbstractSharedStoreDeliveryTests {

	@Override
	List<String> storeProperties(String run) {
		return List.of("switchboard.channel-deduplication.store=redis",
				"switchboard.channel-deduplication.redis-key-prefix=" + prefix(run), "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=6379");
	}

	@Override
	void cleanUpStore(ConfigurableApplicationContext context, String run) {
		if (!usesStore(context, "redis")) {
			return;
		}
		StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
		Set<String> keys = redis.keys(prefix(run) + "*");
		if (!keys.isEmpty()) {
			redis.delete(keys);
		}
	}

	private static String prefix(String run) {
		return "switchboard-test:" + run + ":";
	}

}
