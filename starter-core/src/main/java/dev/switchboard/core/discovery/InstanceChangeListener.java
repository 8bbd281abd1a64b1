package dev.switchboard.core.discovery;

import java.util.List;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Told when the instances of a service change, for transports that keep connections per instance.
 *
 * @author Switchboard
 */
@FunctionalInterface
public interface InstanceChangeListener {

	/**
	 * Called after the set of instances of {@code serviceId} changed.
	 * @param serviceId the service
	 * @param instances the new instances, possibly empty
	 */
	void instancesChanged(String serviceId, List<ServiceInstance> instances);

}
