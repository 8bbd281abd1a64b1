package dev.switchboard.core.call;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.switchboard.core.balancer.CallOutcome;
import dev.switchboard.core.balancer.LoadBalancer;

import org.springframework.cloud.client.ServiceInstance;

/**
 * The result of one attempt of a call on one instance, as a transport reports it: a response, or the failure
 * to report if it is the last attempt, classified twice: by {@link AttemptOutcome how far it got} (what the
 * retry decision needs) and by {@link CallOutcome how the instance did} (what balancers and outlier detection
 * need).
 *
 * @param <R> the transport's response type
 * @author Switchboard
 */
public final class Attempt<R> {

	private final ServiceInstance instance;

	private final AttemptOutcome outcome;

	private final CallOutcome callOutcome;

	private final @Nullable R response;

	private final @Nullable RuntimeException failure;

	private final boolean retryableStatus;

	private Attempt(ServiceInstance instance, AttemptOutcome outcome, CallOutcome callOutcome, @Nullable R response,
			@Nullable RuntimeException failure, boolean retryableStatus) {
		this.instance = Objects.requireNonNull(instance, "instance");
		this.outcome = outcome;
		this.callOutcome = callOutcome;
		this.response = response;
		this.failure = failure;
		this.retryableStatus = retryableStatus;
	}

	/**
	 * An answer from the instance.
	 * @param <R> the response type
	 * @param instance the instance that answered
	 * @param response the response
	 * @param callOutcome {@link CallOutcome#SUCCESS}, {@link CallOutcome#CLIENT_ERROR} or
	 * {@link CallOutcome#SERVER_ERROR}
	 * @param retryableStatus whether the answer's status is one the client retries
	 * @return the attempt
	 */
	public static <R> Attempt<R> response(ServiceInstance instance, R response, CallOutcome callOutcome,
			boolean retryableStatus) {
		return new Attempt<>(instance, AttemptOutcome.RESPONSE, callOutcome, response, null, retryableStatus);
	}

	/**
	 * An answer the transport turned into an exception (gRPC reports a status, not a response).
	 * @param <R> the response type
	 * @param instance the instance that answered
	 * @param failure the exception to throw if this is the last attempt
	 * @param callOutcome how the instance did
	 * @param retryableStatus whether the answer's status is one the client retries
	 * @return the attempt
	 */
	public static <R> Attempt<R> errorResponse(ServiceInstance instance, RuntimeException failure,
			CallOutcome callOutcome, boolean retryableStatus) {
		return new Attempt<>(instance, AttemptOutcome.RESPONSE, callOutcome, null, failure, retryableStatus);
	}

	/**
	 * A request that never left: no connection could be made.
	 * @param <R> the response type
	 * @param instance the instance that could not be reached
	 * @param failure the exception to throw if this is the last attempt
	 * @return the attempt
	 */
	public static <R> Attempt<R> notSent(ServiceInstance instance, RuntimeException failure) {
		return new Attempt<>(instance, AttemptOutcome.NOT_SENT, CallOutcome.CONNECT_FAILURE, null, failure, false);
	}

	/**
	 * A request that may have reached the instance, then failed.
	 * @param <R> the response type
	 * @param instance the instance
	 * @param failure the exception to throw if this is the last attempt
	 * @param callOutcome {@link CallOutcome#TIMEOUT} or {@link CallOutcome#IO_FAILURE}
	 * @return the attempt
	 */
	public static <R> Attempt<R> failedAfterSend(ServiceInstance instance, RuntimeException failure,
			CallOutcome callOutcome) {
		return new Attempt<>(instance, AttemptOutcome.FAILED_AFTER_SEND, callOutcome, null, failure, false);
	}

	/**
	 * An attempt that ends the call whatever the method: cancelled, or failed in a way no other instance mends.
	 * @param <R> the response type
	 * @param instance the instance
	 * @param failure the exception to throw
	 * @param callOutcome how the instance did ({@link CallOutcome#CANCELLED} is not held against it)
	 * @return the attempt
	 */
	public static <R> Attempt<R> finalFailure(ServiceInstance instance, RuntimeException failure,
			CallOutcome callOutcome) {
		return new Attempt<>(instance, AttemptOutcome.FINAL, callOutcome, null, failure, false);
	}

	/**
	 * The instance the attempt went to.
	 * @return the instance
	 */
	public ServiceInstance instance() {
		return this.instance;
	}

	/**
	 * How far the attempt got.
	 * @return the outcome
	 */
	public AttemptOutcome outcome() {
		return this.outcome;
	}

	/**
	 * How the instance did, for balancers and outlier detection.
	 * @return the outcome
	 */
	public CallOutcome callOutcome() {
		return this.callOutcome;
	}

	/**
	 * The response, if the instance answered with one.
	 * @return the response, or {@code null}
	 */
	public @Nullable R response() {
		return this.response;
	}

	/**
	 * The failure to report if this attempt ends the call.
	 * @return the failure, or {@code null} for a response
	 */
	public @Nullable RuntimeException failure() {
		return this.failure;
	}

	/**
	 * Whether the answer's status is one the client retries.
	 * @return {@code true} for a retryable status
	 */
	public boolean retryableStatus() {
		return this.retryableStatus;
	}

	/**
	 * The response, or the failure thrown.
	 * @return the response
	 * @throws RuntimeException the attempt's failure
	 */
	public R get() {
		if (this.response != null) {
			return this.response;
		}
		throw (this.failure != null) ? this.failure
				: new IllegalStateException("No response from " + LoadBalancer.key(this.instance));
	}

	@Override
	public String toString() {
		return "Attempt[" + LoadBalancer.key(this.instance) + ", " + this.outcome + ", " + this.callOutcome + "]";
	}

}
