package dev.switchboard.core.balancer;

import java.util.ArrayList;
import java.util.List;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Instances of a service named {@code test} for balancer tests.
 *
 * @author Switchboard
 */
final class TestInstances {

	private TestInstances() {
	}

	static ServiceInstance instance(String host) {
		return new DefaultServiceInstance(host, "test", host, 8080, false);
	}

	static List<ServiceInstance> instances(String... hosts) {
		List<ServiceInstance> instances = new ArrayList<>();
		for (String host : hosts) {
			instances.add(instance(host));
		}
		return List.copyOf(instances);
	}

}
