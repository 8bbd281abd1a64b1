package dev.switchboard.autoconfigure.client.rest;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;

import dev.switchboard.core.balancer.CallOutcome;

/**
 * Classifies the I/O failures of the HTTP clients Spring can use (JDK, Apache HttpClient 5, Jetty, Reactor
 * Netty, {@code HttpURLConnection}) into call outcomes. A connect failure means the request never reached the
 * instance, which is what makes it safe to try elsewhere.
 *
 * @author Switchboard
 */
final class IoFailures {

	private IoFailures() {
	}

	static CallOutcome classify(IOException ex) {
		for (Throwable current = ex; current != null; current = current.getCause()) {
			if (current instanceof ConnectException || current instanceof NoRouteToHostException
					|| current instanceof UnknownHostException || current instanceof HttpConnectTimeoutException
					|| isConnectTimeout(current)) {
				return CallOutcome.CONNECT_FAILURE;
			}
			if (current instanceof HttpTimeoutException || current instanceof InterruptedIOException) {
				return CallOutcome.TIMEOUT;
			}
		}
		return CallOutcome.IO_FAILURE;
	}

	private static boolean isConnectTimeout(Throwable ex) {
		// Apache HttpClient's ConnectTimeoutException and HttpURLConnection's "Connect timed out".
		if (ex.getClass().getSimpleName().equals("ConnectTimeoutException")) {
			return true;
		}
		String message = ex.getMessage();
		return ex instanceof SocketTimeoutException && message != null
				&& message.toLowerCase(Locale.ROOT).contains("connect");
	}

}
