package dev.switchboard.autoconfigure.client;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.switchboard.core.discovery.InstanceChangeListener;

/**
 * The runtimes of all service clients, by client name: created as transports configure their clients, and
 * kept in step with discovery so per-instance state does not outlive the instances.
 *
 * @author Switchboard
 */
public final class ServiceClientRuntimes implements InstanceChangeListener {

	private final Map<String, ServiceClientRuntime> runtimes = new ConcurrentHashMap<>();

	private final ClientBalancers balancers;

	/**
	 * Creates the registry of runtimes for an application without a zone.
	 */
	public ServiceClientRuntimes() {
		this(ClientBalancers.NO_ZONE);
	}

	/**
	 * Creates the registry of runtimes.
	 * @param balancers creates each client's balancer
	 */
	public ServiceClientRuntimes(ClientBalancers balancers) {
		this.balancers = balancers;
	}

	/**
	 * Creates each client's balancer, for the transports that create runtimes.
	 * @return the balancer factory
	 */
	public ClientBalancers getBalancers() {
		return this.balancers;
	}

	/**
	 * The runtime of a client, created on first use.
	 * @param name the client name
	 * @param factory creates the runtime
	 * @return the runtime
	 */
	public ServiceClientRuntime getOrCreate(String name, Function<String, ServiceClientRuntime> factory) {
		return this.runtimes.computeIfAbsent(name, factory);
	}

	/**
	 * All runtimes, sorted by client name.
	 * @return client name to runtime
	 */
	public Map<String, ServiceClientRuntime> asMap() {
		return Collections.unmodifiableMap(new TreeMap<>(this.runtimes));
	}

	@Override
	public void instancesChanged(String serviceId, java.util.List<org.springframework.cloud.client.ServiceInstance> instances) {
		for (ServiceClientRuntime runtime : this.runtimes.values()) {
			if (runtime.getSettings().serviceId().equals(serviceId)) {
				runtime.retainInstances(instances);
			}
		}
	}

}
