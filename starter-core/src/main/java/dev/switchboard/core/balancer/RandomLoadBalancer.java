package dev.switchboard.core.balancer;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Picks an instance uniformly at random. Ignores call outcomes. Unlike round-robin, many clients starting at
 * the same moment do not all begin with the same instance.
 *
 * @author Switchboard
 */
public final class RandomLoadBalancer implements LoadBalancer {

	@Override
	public ServiceInstance choose(List<ServiceInstance> instances) {
		int size = instances.size();
		return (size == 1) ? instances.get(0) : instances.get(ThreadLocalRandom.current().nextInt(size));
	}

	@Override
	public String toString() {
		return "random";
	}

}
