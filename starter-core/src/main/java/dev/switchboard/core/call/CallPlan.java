package dev.switchboard.core.call;

import java.time.Duration;
import java.util.Objects;

/**
 * What the policy needs to know of one call, worked out once per client method.
 *
 * @param idempotent whether a request that may have reached a server may be sent again
 * @param hedged whether a slow attempt is raced by a second one on another instance
 * @param attemptBound the longest one attempt may take (connect plus read timeout plus a margin): how long a
 * hedged call waits for its last attempt
 * @author Switchboard
 */
public record CallPlan(boolean idempotent, boolean hedged, Duration attemptBound) {

	/**
	 * Creates a plan.
	 * @param idempotent whether a request that may have reached a server may be sent again
	 * @param hedged whether a slow attempt is raced by a second one on another instance
	 * @param attemptBound the longest one attempt may take
	 */
	public CallPlan {
		Objects.requireNonNull(attemptBound, "attemptBound");
	}

}
