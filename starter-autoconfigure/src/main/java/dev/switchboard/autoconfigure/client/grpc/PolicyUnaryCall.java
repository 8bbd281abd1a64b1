package dev.switchboard.autoconfigure.client.grpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.client.ServiceClientRuntime;
import dev.switchboard.autoconfigure.observation.ServiceCallObservationContext;
import dev.switchboard.autoconfigure.observation.SwitchboardObservations;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.call.Attempt;
import dev.switchboard.core.call.CallAttempts;
import dev.switchboard.core.call.CallPlan;

import org.springframework.cloud.client.ServiceInstance;

/**
 * One unary call of a generated stub under the call policy: keeps the request (one message, sent at
 * {@link #halfClose()}), runs it as {@link PolicyAttempt attempts} on the underlying channel, each pinned to the
 * instance the policy chose, and hands the caller's listener only the attempt that ends the call, exactly once.
 * grpc's own transparent retry still works inside each attempt.
 * <p>
 * A hedged call ({@link CallAttempts#hedgeDelay()}) starts a second attempt when the first is still running
 * after the delay; the first useful answer wins and the other attempt's call is cancelled, so its server sees the
 * cancellation. The caller's deadline applies to every attempt, and the caller's cancellation cancels them all.
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

	/** Guarded by {@code this}. */
	private int requested;

	/** Guarded by {@code this}: the attempts started and not ended, two while a hedge races the first. */
	private final List<PolicyAttempt<Q, R>> running = new ArrayList<>(2);

	/** Guarded by {@code this}. */
	private @Nullable Future<?> pendingRetry;

	/** Guarded by {@code this}. */
	private @Nullable Future<?> pendingHedge;

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
		List<PolicyAttempt<Q, R>> calls;
		synchronized (this) {
			this.requested += numMessages;
			calls = List.copyOf(this.running);
		}
		calls.forEach((attempt) -> attempt.request(numMessages));
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
		List<PolicyAttempt<Q, R>> calls;
		synchronized (this) {
			this.cancelled = true;
			cancelTimers();
			calls = List.copyOf(this.running);
			if (calls.isEmpty()) {
				// Between attempts (or before the first): nothing below will close the call, so close it here.
				if (this.closed || this.listener == null) {
					this.closed = true;
					return;
				}
				this.closed = true;
			}
		}
		if (!calls.isEmpty()) {
			// Each ends as cancelled; the first to end closes the call.
			calls.forEach((attempt) -> attempt.cancel(reason, cause));
			return;
		}
		this.listener.onClose(Status.CANCELLED.withDescription(reason).withCause(cause), new Metadata());
	}

	@Override
	public boolean isReady() {
		PolicyAttempt<Q, R> attempt = first();
		return attempt != null && attempt.isReady();
	}

	@Override
	public Attributes getAttributes() {
		PolicyAttempt<Q, R> attempt = first();
		return (attempt != null) ? attempt.call().getAttributes() : Attributes.EMPTY;
	}

	private synchronized @Nullable PolicyAttempt<Q, R> first() {
		return this.running.isEmpty() ? null : this.running.get(0);
	}

	/**
	 * Starts the first attempt or a retry, and times the hedge of the first.
	 */
	private void startAttempt() {
		if (this.listener == null) {
			throw new IllegalStateException("Call not started");
		}
		PolicyAttempt<Q, R> attempt;
		int requested;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.pendingRetry = null;
			attempt = newAttempt(this.attempts.next());
			requested = this.requested;
			Duration delay = this.attempts.hedgeDelay();
			if (delay != null && attempt.ongoing().number() == 1) {
				this.pendingHedge = CallPolicyInterceptor.Retries.SCHEDULER.schedule(this::startHedge,
						delay.toNanos(), TimeUnit.NANOSECONDS);
			}
		}
		attempt.start(this.headers, requested, this.message);
	}

	/**
	 * Starts the hedge, if the first attempt is still running, the caller's deadline has not passed and the
	 * policy allows it.
	 */
	private void startHedge() {
		PolicyAttempt<Q, R> attempt;
		int requested;
		synchronized (this) {
			this.pendingHedge = null;
			Deadline deadline = this.options.getDeadline();
			if (this.closed || this.cancelled || (deadline != null && deadline.isExpired())) {
				return;
			}
			CallAttempts.Ongoing hedge = this.attempts.hedge();
			if (hedge == null) {
				return;
			}
			attempt = newAttempt(hedge);
			requested = this.requested;
		}
		attempt.start(this.headers, requested, this.message);
	}

	private PolicyAttempt<Q, R> newAttempt(CallAttempts.Ongoing ongoing) {
		PolicyAttempt<Q, R> attempt = new PolicyAttempt<>(this.next, this.method, this.options, ongoing,
				observeAttempt(ongoing), this.runtime.getSettings().retry().statuses(), this::ended);
		this.running.add(attempt);
		return attempt;
	}

	private void cancelTimers() {
		if (this.pendingRetry != null) {
			this.pendingRetry.cancel(false);
			this.pendingRetry = null;
		}
		if (this.pendingHedge != null) {
			this.pendingHedge.cancel(false);
			this.pendingHedge = null;
		}
	}

	private @Nullable Observation observeAttempt(CallAttempts.Ongoing ongoing) {
		if (!this.observations.isEnabled()) {
			return null;
		}
		String name = this.method.getBareMethodName();
		ServiceCallObservationContext context = new ServiceCallObservationContext(
				this.runtime.getSettings().name(), (name != null) ? name : this.method.getFullMethodName(), "grpc",
				ongoing.number());
		context.setInstance(LoadBalancer.key(ongoing.instance()));
		return this.observations.attempt(context, this.callObservation).start();
	}

	/**
	 * An attempt ended: retry, wait for the other attempt of a hedged call, or end the call with it, cancelling
	 * the attempt it beat.
	 */
	private void ended(PolicyAttempt<Q, R> attempt, Attempt<Status> result, Status status, Metadata trailers) {
		List<PolicyAttempt<Q, R>> losers;
		synchronized (this) {
			this.running.remove(attempt);
			long wait = this.attempts.ended(attempt.ongoing(), result);
			if (wait == CallAttempts.DISCARD || this.closed) {
				return;
			}
			if (wait != CallAttempts.DONE && !this.cancelled) {
				this.pendingRetry = CallPolicyInterceptor.Retries.SCHEDULER.schedule(this::startAttempt, wait,
						TimeUnit.MILLISECONDS);
				return;
			}
			this.closed = true;
			cancelTimers();
			losers = List.copyOf(this.running);
		}
		losers.forEach((loser) -> loser.cancel("Another attempt of the hedged call answered first", null));
		AtomicReference<@Nullable ServiceInstance> chosen = this.options.getOption(DiscoveryTarget.CHOSEN_INSTANCE);
		if (chosen != null) {
			// The call's observation names the instance that answered.
			chosen.set(attempt.instance());
		}
		Listener<R> caller = this.listener;
		Executor executor = this.options.getExecutor();
		if (executor != null) {
			// The caller's listener runs on the caller's executor, as grpc runs it.
			executor.execute(() -> attempt.deliver(caller, status, trailers));
		}
		else {
			attempt.deliver(caller, status, trailers);
		}
	}

}
