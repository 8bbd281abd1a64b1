package dev.switchboard.autoconfigure.observation;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * Context of a service client call, or of one attempt of it: the client, its interface method, the protocol,
 * and once known the instance and the outcome.
 *
 * @author Switchboard
 */
public class ServiceCallObservationContext extends Observation.Context {

	private final String client;

	private final String method;

	private final String protocol;

	private final int attempt;

	private @Nullable String instance;

	private @Nullable String outcome;

	/**
	 * Creates a context.
	 * @param client the client name
	 * @param method the interface method name (the HTTP method when the call has no interface method)
	 * @param protocol {@code rest} or {@code grpc}
	 * @param attempt the attempt number starting at 1, or {@code 0} for the whole call
	 */
	public ServiceCallObservationContext(String client, String method, String protocol, int attempt) {
		this.client = client;
		this.method = method;
		this.protocol = protocol;
		this.attempt = attempt;
	}

	/**
	 * The client name.
	 * @return the client
	 */
	public String getClient() {
		return this.client;
	}

	/**
	 * The interface method called.
	 * @return the method name
	 */
	public String getMethod() {
		return this.method;
	}

	/**
	 * The protocol of the call.
	 * @return {@code rest} or {@code grpc}
	 */
	public String getProtocol() {
		return this.protocol;
	}

	/**
	 * The attempt this context observes.
	 * @return the attempt number starting at 1, or {@code 0} when the context observes the whole call
	 */
	public int getAttempt() {
		return this.attempt;
	}

	/**
	 * Whether this context observes one attempt rather than the whole call.
	 * @return {@code true} for an attempt
	 */
	public boolean isAttempt() {
		return this.attempt > 0;
	}

	/**
	 * The instance that served the call (the last attempt's for a call).
	 * @return the instance as {@code host:port}, or {@code null} if none was chosen
	 */
	public @Nullable String getInstance() {
		return this.instance;
	}

	/**
	 * Sets the instance that served the call.
	 * @param instance the instance as {@code host:port}
	 */
	public void setInstance(@Nullable String instance) {
		this.instance = instance;
	}

	/**
	 * The outcome, a {@link dev.switchboard.core.balancer.CallOutcome} name or {@code NO_INSTANCE}.
	 * @return the outcome, or {@code null} while unknown
	 */
	public @Nullable String getOutcome() {
		return this.outcome;
	}

	/**
	 * Sets the outcome.
	 * @param outcome the outcome
	 */
	public void setOutcome(@Nullable String outcome) {
		this.outcome = outcome;
	}

}
