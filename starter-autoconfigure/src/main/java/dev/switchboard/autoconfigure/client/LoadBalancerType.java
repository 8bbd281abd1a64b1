package dev.switchboard.autoconfigure.client;

import java.util.function.Supplier;

import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.balancer.RoundRobinLoadBalancer;

/**
 * The load balancers {@code switchboard.clients.<name>.load-balancer} can choose.
 *
 * @author Switchboard
 */
public enum LoadBalancerType {

	/** Takes the instances in turn. */
	ROUND_ROBIN("round-robin", RoundRobinLoadBalancer::new);

	private final String id;

	private final Supplier<LoadBalancer> factory;

	LoadBalancerType(String id, Supplier<LoadBalancer> factory) {
		this.id = id;
		this.factory = factory;
	}

	/**
	 * Creates a new balancer of this type, for one client.
	 * @return a new balancer
	 */
	public LoadBalancer create() {
		return this.factory.get();
	}

	// Spring Boot lists the valid values with toString() when a bad value fails to bind.
	@Override
	public String toString() {
		return this.id;
	}

}
