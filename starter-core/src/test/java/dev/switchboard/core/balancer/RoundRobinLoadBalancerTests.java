package dev.switchboard.core.balancer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RoundRobinLoadBalancer}.
 *
 * @author Switchboard
 */
class RoundRobinLoadBalancerTests {

	private final RoundRobinLoadBalancer balancer = new RoundRobinLoadBalancer();

	@Test
	void takesInstancesInTurn() {
		List<ServiceInstance> instances = TestInstances.instances("a", "b", "c");
		assertThat(List.of(this.balancer.choose(instances), this.balancer.choose(instances),
				this.balancer.choose(instances), this.balancer.choose(instances)))
			.containsExactly(instances.get(0), instances.get(1), instances.get(2), instances.get(0));
	}

	@Test
	void spreadsCallsEvenly() {
		List<ServiceInstance> instances = TestInstances.instances("a", "b", "c");
		Map<ServiceInstance, Integer> picks = new HashMap<>();
		for (int i = 0; i < 300; i++) {
			picks.merge(this.balancer.choose(instances), 1, Integer::sum);
		}
		assertThat(picks).containsOnlyKeys(instances).allSatisfy((instance, count) -> assertThat(count).isEqualTo(100));
	}

	@Test
	void followsTheListWhenItShrinks() {
		this.balancer.choose(TestInstances.instances("a", "b", "c"));
		List<ServiceInstance> one = TestInstances.instances("b");
		assertThat(this.balancer.choose(one)).isSameAs(one.get(0));
	}

}
