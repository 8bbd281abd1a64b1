package dev.switchboard.core.balancer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RandomLoadBalancer}.
 *
 * @author Switchboard
 */
class RandomLoadBalancerTests {

	private final RandomLoadBalancer balancer = new RandomLoadBalancer();

	@Test
	void spreadsCallsOverAllInstances() {
		List<ServiceInstance> instances = TestInstances.instances("a", "b", "c");
		Map<ServiceInstance, Integer> picks = new HashMap<>();
		for (int i = 0; i < 3000; i++) {
			picks.merge(this.balancer.choose(instances), 1, Integer::sum);
		}
		// Expected 1000 each with a standard deviation near 26: 200 either way is far beyond chance.
		assertThat(picks).containsOnlyKeys(instances)
			.allSatisfy((instance, count) -> assertThat(count).isBetween(800, 1200));
	}

	@Test
	void choosesTheOnlyInstance() {
		List<ServiceInstance> instances = TestInstances.instances("a");
		assertThat(this.balancer.choose(instances)).isSameAs(instances.get(0));
	}

}
