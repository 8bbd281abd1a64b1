package dev.switchboard.core.balancer;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoadBalancer#key} and the {@link InstanceKeys} behind it.
 *
 * @author Switchboard
 */
class InstanceKeysTests {

	@Test
	void keyOfAnInstanceIsBuiltOnce() {
		DefaultServiceInstance instance = new DefaultServiceInstance("a", "inventory", "10.0.0.5", 8082, false);
		String key = LoadBalancer.key(instance);
		assertThat(key).isEqualTo("10.0.0.5:8082");
		assertThat(LoadBalancer.key(instance)).isSameAs(key);
	}

	@Test
	void equalInstancesHaveEqualKeys() {
		DefaultServiceInstance one = new DefaultServiceInstance("a", "inventory", "10.0.0.5", 8082, false);
		DefaultServiceInstance other = new DefaultServiceInstance("b", "inventory", "10.0.0.5", 8082, true);
		assertThat(LoadBalancer.key(one)).isEqualTo(LoadBalancer.key(other)).isEqualTo("10.0.0.5:8082");
	}

	@Test
	void instanceChangedInPlaceGetsANewKey() {
		DefaultServiceInstance instance = new DefaultServiceInstance("a", "inventory", "10.0.0.5", 8082, false);
		assertThat(LoadBalancer.key(instance)).isEqualTo("10.0.0.5:8082");
		instance.setPort(8083);
		assertThat(LoadBalancer.key(instance)).isEqualTo("10.0.0.5:8083");
		instance.setHost("10.0.0.6");
		assertThat(LoadBalancer.key(instance)).isEqualTo("10.0.0.6:8083");
	}

	@Test
	void instanceWithoutHostKeepsTheKeyItAlwaysHad() {
		DefaultServiceInstance instance = new DefaultServiceInstance("a", "inventory", null, 8082, false);
		assertThat(LoadBalancer.key(instance)).isEqualTo("null:8082");
		assertThat(LoadBalancer.key(instance)).isEqualTo("null:8082");
	}

}
