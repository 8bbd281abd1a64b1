package dev.switchboard.core.discovery;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a call cannot start because discovery knows no usable instance of the service.
 *
 * @author Switchboard
 */
public class NoInstanceAvailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String serviceId;

	private final String backend;

	/**
	 * Creates an exception for a service without instances.
	 * @param serviceId the service that was looked up
	 * @param backend the discovery backend that was asked
	 * @param detail why there are none, or {@code null}
	 */
	public NoInstanceAvailableException(String serviceId, String backend, @Nullable String detail) {
		super("No instance of service '" + serviceId + "' is available from discovery backend '" + backend + "'"
				+ ((detail != null) ? ": " + detail : ""));
		this.serviceId = serviceId;
		this.backend = backend;
	}

	/**
	 * The service that has no instances.
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

}
