package dev.switchboard.autoconfigure.client.grpc;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.grpc.internal.GrpcHttpStatus;
import dev.switchboard.autoconfigure.observation.ServiceCallObservationContext;
import dev.switchboard.core.balancer.CallOutcome;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.call.Attempt;
import dev.switchboard.core.call.CallAttempts;

import org.springframework.cloud.client.ServiceInstance;

/**
 * One attempt of a {@link PolicyUnaryCall}: a call on the underlying channel pinned to the instance the policy
 * chose, whose answer (headers, message, status) is kept until the call knows whether this attempt ends it.
 * <p>
 * Starting and cancelling exclude each other: a grpc call cancelled before it starts refuses to start, and a
 * hedge that loses while it is being started would then never report its end. So an attempt cancelled before
 * it starts is not sent, and ends as cancelled.
 *
 * @param <Q> the request type
 * @param <R> the response type
 * @author Switchboard
 */
final class PolicyAttempt<Q, R> extends ClientCall.Listener<R> {

	private final CallAttempts.Ongoing ongoing;

	private final ClientCall<Q, R> call;

	private final AtomicBoolean sent = new AtomicBoolean();

	private final AtomicReference<@Nullable ServiceInstance> chosen = new AtomicReference<>();

	private final @Nullable Observation observation;

	private final List<Integer> retryStatuses;

	private final Ended<Q, R> owner;

	/** Guarded by {@code this}. */
	private boolean started;

	/** Guarded by {@code this}: why the attempt was cancelled before it started. */
	private @Nullable Status cancelledBeforeStart;

	/** Guarded by {@code this}: messages asked for before the attempt started. */
	private int pendingRequests;

	private @Nullable Metadata responseHeaders;

	private @Nullable R response;

	PolicyAttempt(Channel next, MethodDescriptor<Q, R> method, CallOptions options, CallAttempts.Ongoing ongoing,
			@Nullable Observation observation, List<Integer> retryStatuses, Ended<Q, R> owner) {
		this.ongoing = ongoing;
		this.observation = observation;
		this.retryStatuses = retryStatuses;
		this.owner = owner;
		// The attempt's own callbacks run on the channel's executor, not the caller's: a blocking stub's executor
		// stops running tasks once the call it waits for is closed, and the end of a losing hedge, which comes
		// later, must still be recorded (the balancer counts the attempt in flight until then).
		this.call = next.newCall(method, options.withExecutor(null)
			.withOption(DiscoveryTarget.PINNED_INSTANCE, ongoing.instance())
			.withOption(DiscoveryTarget.REQUEST_SENT, this.sent)
			.withOption(DiscoveryTarget.CHOSEN_INSTANCE, this.chosen));
	}

	CallAttempts.Ongoing ongoing() {
		return this.ongoing;
	}

	/**
	 * The instance that served the attempt: the pinned one, unless it was not connected and the picker chose.
	 */
	ServiceInstance instance() {
		ServiceInstance served = this.chosen.get();
		return (served != null) ? served : this.ongoing.instance();
	}

	/**
	 * Sends the attempt: the caller's headers, the messages it asked for, its one request.
	 */
	void start(@Nullable Metadata headers, int requested, @Nullable Q message) {
		Status cancelled;
		synchronized (this) {
			cancelled = this.cancelledBeforeStart;
			if (cancelled == null) {
				this.started = true;
				Metadata attemptHeaders = new Metadata();
				if (headers != null) {
					attemptHeaders.merge(headers);
				}
				this.call.start(this, attemptHeaders);
				int messages = requested + this.pendingRequests;
				if (messages > 0) {
					this.call.request(messages);
				}
				if (message != null) {
					this.call.sendMessage(message);
				}
				this.call.halfClose();
			}
		}
		if (cancelled != null) {
			onClose(cancelled, new Metadata());
		}
	}

	synchronized void request(int numMessages) {
		if (this.started) {
			this.call.request(numMessages);
		}
		else {
			this.pendingRequests += numMessages;
		}
	}

	synchronized void cancel(@Nullable String reason, @Nullable Throwable cause) {
		if (this.started) {
			this.call.cancel(reason, cause);
		}
		else if (this.cancelledBeforeStart == null) {
			this.cancelledBeforeStart = Status.CANCELLED.withDescription(reason).withCause(cause);
		}
	}

	synchronized boolean isReady() {
		return this.started && this.call.isReady();
	}

	ClientCall<Q, R> call() {
		return this.call;
	}

	/**
	 * Hands the kept answer to the caller: this attempt ends the call.
	 */
	void deliver(ClientCall.Listener<R> caller, Status status, Metadata trailers) {
		if (this.responseHeaders != null) {
			caller.onHeaders(this.responseHeaders);
		}
		if (this.response != null) {
			caller.onMessage(this.response);
		}
		caller.onClose(status, trailers);
	}

	@Override
	public void onHeaders(Metadata headers) {
		this.responseHeaders = headers;
	}

	@Override
	public void onMessage(R message) {
		this.response = message;
	}

	@Override
	public void onClose(Status status, Metadata trailers) {
		ServiceInstance actual = instance();
		Attempt<Status> attempt = status.isOk() ? Attempt.response(actual, status, CallOutcome.SUCCESS, false)
				: GrpcCallOutcomes.failedAttempt(actual, status, this.sent.get(), GrpcHttpStatus.fromTrailers(trailers),
						status.asRuntimeException(trailers), this.retryStatuses);
		if (this.observation != null) {
			ServiceCallObservationContext context = (ServiceCallObservationContext) this.observation.getContext();
			context.setInstance(LoadBalancer.key(actual));
			context.setOutcome(attempt.callOutcome().name());
			if (!status.isOk()) {
				this.observation.error(status.asRuntimeException(trailers));
			}
			this.observation.stop();
		}
		this.owner.ended(this, attempt, status, trailers);
	}

	/**
	 * Hears how an attempt ended.
	 */
	@FunctionalInterface
	interface Ended<Q, R> {

		void ended(PolicyAttempt<Q, R> attempt, Attempt<Status> result, Status status, Metadata trailers);

	}

}
