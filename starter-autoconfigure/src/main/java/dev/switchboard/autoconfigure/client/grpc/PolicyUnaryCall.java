package dev.switchboard.autoconfigure.client.grpc;

import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.client.ServiceClientRuntime;
import dev.switchboard.autoconfigure.grpc.internal.GrpcHttpStatus;
import dev.switchboard.autoconfigure.observation.ServiceCallObservationContext;
import dev.switchboard.autoconfigure.observation.SwitchboardObservations;
import dev.switchboard.core.balancer.CallOutcome;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.call.Attempt;
import dev.switchboard.core.call.CallAttempts;
import dev.switchboard.core.call.CallPlan;

import org.springframework.cloud.client.ServiceInstance;

/**
 * One unary call of a generated stub under the call policy: keeps the request (one message, sent at
 * {@link #halfClose()}), runs it as attempts on the underlying channel, each pinned to the instance the policy
 * chose, and hands the caller's listener only the attempt that ends the call. grpc's own transparent retry still
 * works inside each attempt.
 *
 * @param <Q> the request type
 * @param <R> the response type
 * @author Switchboard
 */
final class PolicyUnaryCall<Q, R> extends ClientCall<Q, R> {

	private final Channel next;

	private final MethodDescriptor<Q, R> method;

	private final CallOptions options;

	private final ServiceClientRuntime runtime;

	private final CallAttempts attempts;

	private final SwitchboardObservations observations;

	/** The call's observation, the parent of the attempts'. */
	private @Nullable Observation callObservation;

	private @Nullable Listener<R> listener;

	private @Nullable Metadata headers;

	private @Nullable Q message;

	private int requested;

	/** Guarded by {@code this}. */
	private @Nullable ClientCall<Q, R> current;

	/** Guarded by {@code this}. */
	private @Nullable Future<?> pendingRetry;

	/** Guarded by {@code this}. */
	private boolean closed;

	/** Guarded by {@code this}. */
	private boolean cancelled;

	PolicyUnaryCall(Channel next, MethodDescriptor<Q, R> method, CallOptions options, ServiceClientRuntime runtime,
			CallPlan plan, List<ServiceInstance> instances, SwitchboardObservations observations) {
		this.next = next;
		this.observations = observations;
		this.method = method;
		this.options = options;
		this.runtime = runtime;
		this.attempts = CallAttempts.start(runtime.getCallPolicy(), plan, instances);
	}

	@Override
	public void start(Listener<R> responseListener, Metadata headers) {
		this.listener = responseListener;
		this.headers = headers;
		if (this.observations.isEnabled()) {
			// Started inside the scope of the call's observation (ServiceCallObservationInterceptor).
			this.callObservation = this.observations.getRegistry().getCurrentObservation();
		}
	}

	@Override
	public void request(int numMessages) {
		ClientCall<Q, R> call;
		synchronized (this) {
			this.requested += numMessages;
			call = this.current;
		}
		if (call != null) {
			call.request(numMessages);
		}
	}

	@Override
	public void sendMessage(Q message) {
		this.message = message;
	}

	@Override
	public void halfClose() {
		startAttempt();
	}

	@Override
	public void cancel(@Nullable String reason, @Nullable Throwable cause) {
		ClientCall<Q, R> call;
		synchronized (this) {
			this.cancelled = true;
			call = this.current;
			if (call == null) {
				// Between attempts (or before the first): nothing below will close the call, so close it here.
				if (this.pendingRetry != null) {
					this.pendingRetry.cancel(false);
				}
				if (this.closed || this.listener == null) {
					this.closed = true;
					return;
				}
				this.closed = true;
			}
		}
		if (call != null) {
			call.cancel(reason, cause);
			return;
		}
		this.listener.onClose(Status.CANCELLED.withDescription(reason).withCause(cause), new Metadata());
	}

	@Override
	public boolean isReady() {
		ClientCall<Q, R> call = this.current;
		return call != null && call.isReady();
	}

	@Override
	public Attributes getAttributes() {
		ClientCall<Q, R> call = this.current;
		return (call != null) ? call.getAttributes() : Attributes.EMPTY;
	}

	private void startAttempt() {
		Listener<R> callerListener = this.listener;
		if (callerListener == null) {
			throw new IllegalStateException("Call not started");
		}
		ServiceInstance instance;
		ClientCall<Q, R> call;
		AtomicBoolean sent = new AtomicBoolean();
		AtomicReference<@Nullable ServiceInstance> chosen = this.options.getOption(DiscoveryTarget.CHOSEN_INSTANCE);
		AtomicReference<@Nullable ServiceInstance> holder = (chosen != null) ? chosen : new AtomicReference<>();
		int requested;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.pendingRetry = null;
			instance = this.attempts.next();
			holder.set(null);
			call = this.next.newCall(this.method, this.options.withOption(DiscoveryTarget.PINNED_INSTANCE, instance)
				.withOption(DiscoveryTarget.REQUEST_SENT, sent)
				.withOption(DiscoveryTarget.CHOSEN_INSTANCE, holder));
			this.current = call;
			requested = this.requested;
		}
		Metadata attemptHeaders = new Metadata();
		if (this.headers != null) {
			attemptHeaders.merge(this.headers);
		}
		call.start(new AttemptListener(instance, sent, holder, observeAttempt(instance)), attemptHeaders);
		if (requested > 0) {
			call.request(requested);
		}
		if (this.message != null) {
			call.sendMessage(this.message);
		}
		call.halfClose();
	}

	private @Nullable Observation observeAttempt(ServiceInstance instance) {
		if (!this.observations.isEnabled()) {
			return null;
		}
		String name = this.method.getBareMethodName();
		ServiceCallObservationContext context = new ServiceCallObservationContext(
				this.runtime.getSettings().name(), (name != null) ? name : this.method.getFullMethodName(), "grpc",
				this.attempts.number());
		context.setInstance(LoadBalancer.key(instance));
		return this.observations.attempt(context, this.callObservation).start();
	}

	/**
	 * Keeps an attempt's answer until it is known whether the attempt ends the call.
	 */
	private final class AttemptListener extends Listener<R> {

		private final ServiceInstance instance;

		private final AtomicBoolean sent;

		private final AtomicReference<@Nullable ServiceInstance> chosen;

		private final @Nullable Observation observation;

		private @Nullable Metadata responseHeaders;

		private @Nullable R response;

		AttemptListener(ServiceInstance instance, AtomicBoolean sent, AtomicReference<@Nullable ServiceInstance> chosen,
				@Nullable Observation observation) {
			this.instance = instance;
			this.sent = sent;
			this.chosen = chosen;
			this.observation = observation;
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
			ServiceInstance served = this.chosen.get();
			ServiceInstance actual = (served != null) ? served : this.instance;
			Attempt<Status> attempt = status.isOk() ? Attempt.response(actual, status, CallOutcome.SUCCESS, false)
					: GrpcCallOutcomes.failedAttempt(actual, status, this.sent.get(),
							GrpcHttpStatus.fromTrailers(trailers), status.asRuntimeException(trailers),
							PolicyUnaryCall.this.runtime.getSettings().retry().statuses());
			if (this.observation != null) {
				ServiceCallObservationContext context = (ServiceCallObservationContext) this.observation.getContext();
				context.setInstance(LoadBalancer.key(actual));
				context.setOutcome(attempt.callOutcome().name());
				if (!status.isOk()) {
					this.observation.error(status.asRuntimeException(trailers));
				}
				this.observation.stop();
			}
			long wait;
			synchronized (PolicyUnaryCall.this) {
				PolicyUnaryCall.this.current = null;
				wait = PolicyUnaryCall.this.attempts.ended(attempt);
				if (wait != CallAttempts.DONE && !PolicyUnaryCall.this.closed && !PolicyUnaryCall.this.cancelled) {
					PolicyUnaryCall.this.pendingRetry = CallPolicyInterceptor.Retries.SCHEDULER
						.schedule(PolicyUnaryCall.this::startAttempt, wait, TimeUnit.MILLISECONDS);
					return;
				}
				PolicyUnaryCall.this.closed = true;
			}
			Listener<R> caller = PolicyUnaryCall.this.listener;
			if (this.responseHeaders != null) {
				caller.onHeaders(this.responseHeaders);
			}
			if (this.response != null) {
				caller.onMessage(this.response);
			}
			caller.onClose(status, trailers);
		}

	}

}
