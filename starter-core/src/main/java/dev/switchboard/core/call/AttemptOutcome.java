package dev.switchboard.core.call;

/**
 * How far one attempt got, which is what decides whether it may be repeated: a request that never left may be
 * sent again whatever the method; one that may have reached the server only if the method is idempotent.
 *
 * @author Switchboard
 */
public enum AttemptOutcome {

	/**
	 * The request never left: connection refused, connect timeout, no instance reachable. Retryable for every
	 * method, as Envoy's {@code connect-failure} and gRPC's transparent retry are.
	 */
	NOT_SENT,

	/**
	 * The request may have been written and then the attempt failed (reset, read timeout, I/O error): the
	 * server may have acted on it. Retryable only for idempotent methods.
	 */
	FAILED_AFTER_SEND,

	/**
	 * The server answered. Retryable only for idempotent methods, and only when the answer's status is one the
	 * client retries (such as 502, 503, 504 or gRPC {@code UNAVAILABLE}).
	 */
	RESPONSE,

	/**
	 * The attempt ended the call whatever the method: it was cancelled, or the transport failed in a way no
	 * other instance can mend.
	 */
	FINAL

}
