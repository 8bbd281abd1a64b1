package dev.switchboard.core.balancer;

/**
 * How one attempt on one instance ended, as seen by balancers and outlier detection.
 *
 * @author Switchboard
 */
public enum CallOutcome {

	/** The instance answered with a success or redirect status. */
	SUCCESS(false),

	/** The instance answered with a 4xx status: the request was at fault, not the instance. */
	CLIENT_ERROR(false),

	/** The instance answered with a 5xx status. */
	SERVER_ERROR(true),

	/** The instance did not answer within the timeout. */
	TIMEOUT(true),

	/** No connection could be made to the instance. */
	CONNECT_FAILURE(true),

	/** Any other I/O failure while talking to the instance. */
	IO_FAILURE(true),

	/** The attempt was abandoned because another attempt of the same call answered first (hedging). */
	CANCELLED(false);

	private final boolean instanceFailure;

	CallOutcome(boolean instanceFailure) {
		this.instanceFailure = instanceFailure;
	}

	/**
	 * Whether the outcome counts against the health of the instance.
	 * @return {@code true} for 5xx, timeouts and connection or I/O failures
	 */
	public boolean isInstanceFailure() {
		return this.instanceFailure;
	}

}
