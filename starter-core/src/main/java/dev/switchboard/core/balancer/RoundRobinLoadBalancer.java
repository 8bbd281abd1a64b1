package dev.switchboard.core.balancer;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Takes the instances in turn. Ignores call outcomes.
 *
 * @author Switchboard
 */
public final class RoundRobinLoadBalancer implements LoadBalancer {

	private final AtomicInteger next = new AtomicInteger();

	@Override
	public ServiceInstance choose(List<ServiceInstance> instances) {
		// floorMod keeps the index valid after the counter wraps around.
		return instances.get(Math.floorMod(this.next.getAndIncrement(), instances.size()));
	}

	@Override
	public String toString() {
		return "round-robin";
	}

}
