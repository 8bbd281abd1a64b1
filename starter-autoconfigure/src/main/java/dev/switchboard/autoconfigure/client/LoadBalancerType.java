package dev.switchboard.autoconfigure.client;

import java.util.function.Supplier;

import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.balancer.P2cEwmaLoadBalancer;
import dev.switchboard.core.balancer.RandomLoadBalancer;
import dev.switchboard.core.balancer.RoundRobinLoadBalancer;

/**
 * The load balancers {@code switchboard.clients.<name>.load-balancer} can choose.
 *
 * @author Switchboard
 */
public enum LoadBalancerType {

	/** Takes the instances in turn. */
	ROUND_ROBIN("round-robin", RoundRobinLoadBalancer::new),

	/** Picks an instance at random. */
	RANDOM("random", RandomLoadBalancer::new),

	/**
	 * Power of two choices: of two random instances, the one with the lower peak-EWMA latency times
	 * in-flight calls. Slow or failing instances lose traffic within a few calls.
	 */
	P2C_EWMA("p2c-ewma", P2cEwmaLoadBalancer::new);

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
