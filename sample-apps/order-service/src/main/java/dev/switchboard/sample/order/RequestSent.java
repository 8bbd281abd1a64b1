package dev.switchboard.sample.order;

import java.net.ConnectException;
import java.net.NoRouteToHostException;

import org.springframework.web.client.ResourceAccessException;

/**
 * Tells from a failed call whether its request had left: an I/O error or timeout after connecting
 * ({@link ResourceAccessException} without a connect failure in its causes) means the request may have reached
 * the instance; a connect failure or an answer from the server says nothing about an unfinished request.
 *
 * @author Switchboard
 */
final class RequestSent {

	private RequestSent() {
	}

	static boolean by(Throwable failure) {
		if (!(failure instanceof ResourceAccessException)) {
			return false;
		}
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
				return false;
			}
		}
		return true;
	}

}
