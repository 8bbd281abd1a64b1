package dev.switchboard.autoconfigure.client;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The threads that run the attempts of hedged calls and the calls under a Resilience4j time limiter:
 * {@code switchboard.call-executor.*}.
 *
 * @author Switchboard
 */
@ConfigurationProperties("switchboard.call-executor")
public class ServiceCallExecutorProperties {

	/**
	 * Most threads running hedged attempts and time-limited calls at once; nothing waits in a queue. When all are
	 * busy, a hedged call is made without its hedge on the caller's thread, and a time-limited call fails at once
	 * with a ResourceAccessException (its fallback, if any, answers).
	 */
	private final int maxThreads;

	/**
	 * Creates the properties.
	 * @param maxThreads the most threads, at least 1
	 */
	public ServiceCallExecutorProperties(@DefaultValue("200") int maxThreads) {
		if (maxThreads < 1) {
			throw new InvalidSwitchboardPropertyException("switchboard.call-executor.max-threads", maxThreads,
					"must be at least 1", "a number of threads such as 200");
		}
		this.maxThreads = maxThreads;
	}

	/**
	 * The most threads running hedged attempts and time-limited calls at once.
	 * @return the bound
	 */
	public int getMaxThreads() {
		return this.maxThreads;
	}

}
