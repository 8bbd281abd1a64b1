package dev.switchboard.autoconfigure.discovery.etcd;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for jetcd's futures with a deadline. jetcd's own calls have none: with {@code waitForReady} or its
 * retries a call to an etcd that accepts connections and never answers waits for good. Every call Switchboard
 * makes goes through here, so that a hung etcd never holds startup, a lookup or shutdown for longer than
 * {@code switchboard.discovery.etcd.call-timeout}.
 *
 * @author Switchboard
 */
final class EtcdCalls {

	private final List<URI> endpoints;

	private final Duration timeout;

	EtcdCalls(List<URI> endpoints, Duration timeout) {
		this.endpoints = endpoints;
		this.timeout = timeout;
	}

	Duration timeout() {
		return this.timeout;
	}

	/**
	 * The messages of a failure and its causes: jetcd wraps etcd's own words ("authentication failed, invalid
	 * user ID or password") in a bare gRPC status such as UNAUTHENTICATED.
	 */
	static String describe(Throwable failure) {
		StringBuilder description = new StringBuilder();
		for (Throwable current = failure; current != null; current = current.getCause()) {
			String message = current.getMessage();
			if (message != null && description.indexOf(message) < 0) {
				description.append((description.length() > 0) ? ": " : "").append(message);
			}
			if (current.getCause() == current) {
				break;
			}
		}
		String text = description.toString();
		if (text.contains("UNAUTHENTICATED") || text.contains("authentication failed")
				|| text.contains("PERMISSION_DENIED") || text.contains("permission denied")) {
			text += " (check " + EtcdDiscoveryProperties.PREFIX + ".user and .password, and the user's role)";
		}
		return text;
	}

	<T> T await(CompletableFuture<T> call, String what) {
		try {
			return call.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			call.cancel(true);
			throw new EtcdCallException(what + ": etcd at " + this.endpoints + " (" + EtcdDiscoveryProperties.PREFIX
					+ ".endpoints) did not answer within " + this.timeout.toMillis() + " ms ("
					+ EtcdDiscoveryProperties.PREFIX + ".call-timeout)", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new EtcdCallException(what + ": etcd at " + this.endpoints + " (" + EtcdDiscoveryProperties.PREFIX
					+ ".endpoints) failed: " + describe(cause), cause);
		}
		catch (InterruptedException ex) {
			call.cancel(true);
			Thread.currentThread().interrupt();
			throw new EtcdCallException(what + ": interrupted while waiting for etcd", ex);
		}
		catch (RuntimeException ex) {
			// A closed client throws instead of failing the future.
			throw new EtcdCallException(what + ": " + ex.getMessage(), ex);
		}
	}

}
