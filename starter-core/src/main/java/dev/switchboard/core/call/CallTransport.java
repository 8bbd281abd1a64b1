package dev.switchboard.core.call;

import java.time.Duration;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Sends one attempt of a call to one instance: what a protocol adapter (REST, gRPC) gives the
 * {@link CallExecution}. An attempt never throws for an I/O failure: it classifies it in the {@link Attempt}.
 *
 * @param <R> the response type
 * @author Switchboard
 */
@FunctionalInterface
public interface CallTransport<R> {

	/**
	 * Sends the call to an instance.
	 * @param instance the instance chosen for this attempt
	 * @param number the attempt's number, from 1
	 * @param maxAttempts the most attempts this call may make, for messages
	 * @return how the attempt ended
	 */
	Attempt<R> send(ServiceInstance instance, int number, int maxAttempts);

	/**
	 * Releases a response that will not be used (an attempt that lost a hedge race, or is retried), so its
	 * connection goes back to the pool.
	 * @param response the response
	 */
	default void discard(R response) {
	}

	/**
	 * The failure of a hedged call none of whose attempts answered within the bound.
	 * @param bound how long the call waited for its last attempt
	 * @return the exception to throw
	 */
	default RuntimeException hedgeTimeout(Duration bound) {
		return new CallTimeoutException("No hedged attempt answered within " + bound.toMillis() + "ms");
	}

	/**
	 * The failure of a call whose thread was interrupted while it waited for hedged attempts.
	 * @return the exception to throw
	 */
	default RuntimeException interrupted() {
		return new IllegalStateException("Interrupted while waiting for a hedged call");
	}

}
