package dev.switchboard.core.discovery;

import java.time.Duration;

/**
 * Thrown (and recorded as the cause of an outage) when a discovery backend did not answer a lookup within the
 * lookup timeout. The lookup may still be running: it is abandoned, not cancelled, because most discovery
 * clients ignore interrupts.
 *
 * @author Switchboard
 */
public class DiscoveryLookupTimeoutException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String serviceId;

	private final String backend;

	private final Duration timeout;

	/**
	 * Creates an exception for a lookup that took too long.
	 * @param serviceId the service that was looked up
	 * @param backend the discovery backend that was asked
	 * @param timeout how long the lookup was waited for
	 */
	public DiscoveryLookupTimeoutException(String serviceId, String backend, Duration timeout) {
		super("Discovery backend '" + backend + "' did not answer the lookup of service '" + serviceId + "' within "
				+ timeout.toMillis() + " ms");
		this.serviceId = serviceId;
		this.backend = backend;
		this.timeout = timeout;
	}

	/**
	 * The service that was looked up.
	 * @return the service id
	 */
	public String getServiceId() {
		return this.serviceId;
	}

	/**
	 * The discovery backend that was asked.
	 * @return the backend name
	 */
	public String getBackend() {
		return this.backend;
	}

	/**
	 * How long the lookup was waited for.
	 * @return the lookup timeout
	 */
	public Duration getTimeout() {
		return this.timeout;
	}

}
