package dev.switchboard.core.discovery;

import java.util.List;

import org.springframework.cloud.client.ServiceInstance;

/**
 * The instances Switchboard's clients may call, as one discovery backend reports them. Implementations answer
 * from memory so that a call never waits on the registry.
 *
 * @author Switchboard
 */
public interface ServiceDiscovery {

	/**
	 * The name of the backend behind this view ({@code static}, {@code dns}, {@code consul}, {@code eureka}),
	 * used in errors, logs and health details.
	 * @return the backend name
	 */
	String backend();

	/**
	 * The instances of a service that calls may use now.
	 * @param serviceId the service id
	 * @return the instances, possibly empty, never {@code null}; the list is immutable
	 */
	List<ServiceInstance> getInstances(String serviceId);

}
