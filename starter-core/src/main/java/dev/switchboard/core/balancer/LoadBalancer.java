package dev.switchboard.core.balancer;

import java.util.List;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Chooses the instance each call goes to, and learns from the outcome of every call. One instance serves one
 * client, from many threads at once, so implementations are thread-safe and do not block.
 *
 * @author Switchboard
 */
public interface LoadBalancer {

	/**
	 * Chooses the instance for the next attempt.
	 * @param instances the candidates, never empty; the list must not be modified
	 * @return one of {@code instances}
	 */
	ServiceInstance choose(List<ServiceInstance> instances);

	/**
	 * Called when an attempt on {@code instance} starts; each call is followed by exactly one
	 * {@link #onComplete}.
	 * @param instance the chosen instance
	 */
	default void onStart(ServiceInstance instance) {
	}

	/**
	 * Called when an attempt on {@code instance} ends.
	 * @param instance the instance that was called
	 * @param latencyNanos time from {@link #onStart} to the end of the attempt
	 * @param outcome how the attempt ended
	 */
	default void onComplete(ServiceInstance instance, long latencyNanos, CallOutcome outcome) {
	}

	/**
	 * The key identifying an instance across discovery refreshes: {@code host:port}. Built once per instance
	 * object, not on every call.
	 * @param instance the instance
	 * @return its key
	 */
	static String key(ServiceInstance instance) {
		return InstanceKeys.of(instance);
	}

}
