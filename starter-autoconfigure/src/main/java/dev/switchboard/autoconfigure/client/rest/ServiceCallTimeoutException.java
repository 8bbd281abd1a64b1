package dev.switchboard.autoconfigure.client.rest;

import java.io.IOException;

import org.springframework.web.client.ResourceAccessException;

/**
 * Thrown when an instance does not answer a service client call in time. A {@link ResourceAccessException},
 * so code that handles Spring's I/O errors handles it too.
 *
 * @author Switchboard
 */
public class ServiceCallTimeoutException extends ResourceAccessException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates a new exception.
	 * @param message what timed out, naming the service and instance
	 * @param cause the transport's timeout exception
	 */
	public ServiceCallTimeoutException(String message, IOException cause) {
		super(message, cause);
	}

}
