package dev.switchboard.core.call;

import org.jspecify.annotations.Nullable;

import dev.switchboard.core.balancer.CallOutcome;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Hears what the policy does with a client's calls, for statistics, meters and observations. Called on the
 * threads that run the attempts; implementations are thread-safe and do not block.
 *
 * @author Switchboard
 */
public interface CallListener {

	/** A listener that ignores everything. */
	CallListener NONE = new CallListener() {
	};

	/**
	 * A call starts (however many attempts it takes).
	 */
	default void callStarted() {
	}

	/**
	 * An attempt starts.
	 * @param instance the instance it goes to
	 * @param number the attempt's number, from 1
	 * @return a token handed back to {@link #attemptEnded}, such as an observation, or {@code null}
	 */
	default @Nullable Object attemptStarted(ServiceInstance instance, int number) {
		return null;
	}

	/**
	 * An attempt ended.
	 * @param attempt how it ended
	 * @param latencyNanos how long it took
	 * @param token what {@link #attemptStarted} returned
	 */
	default void attemptEnded(Attempt<?> attempt, long latencyNanos, @Nullable Object token) {
	}

	/**
	 * A failed attempt is retried on another instance.
	 * @param failed the attempt that failed
	 */
	default void retried(Attempt<?> failed) {
	}

	/**
	 * A hedged attempt was sent.
	 */
	default void hedged() {
	}

	/**
	 * A hedge was not sent because every thread of the call executor was busy.
	 */
	default void hedgeSkipped() {
	}

	/**
	 * An attempt was abandoned because another attempt of the call answered first.
	 */
	default void cancelled() {
	}

	/**
	 * The retry budget refused a retry or a hedge.
	 */
	default void budgetRefused() {
	}

	/**
	 * The outlier detector ejected an instance after this attempt.
	 * @param instance the instance
	 * @param outcome the outcome that tipped it
	 */
	default void ejected(ServiceInstance instance, CallOutcome outcome) {
	}

}
