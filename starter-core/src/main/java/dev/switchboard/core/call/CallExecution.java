package dev.switchboard.core.call;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import dev.switchboard.core.balancer.CallOutcome;
import dev.switchboard.core.balancer.OutlierDetector;
import dev.switchboard.core.resilience.LatencyTracker;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Runs one call by a {@link CallPolicy} over a {@link CallTransport}: chooses an instance, sends the attempt,
 * reports its latency and outcome to the balancer, the outlier detector and the listener, and repeats it on
 * another instance while the policy allows it, the budget pays for it and the backoff has not stopped; or races
 * a hedge against a slow first attempt. Blocking: the caller's thread runs the attempts, except hedged ones,
 * which run on the policy's executor.
 *
 * @param <R> the response type
 * @author Switchboard
 */
public final class CallExecution<R> {

	private final CallPolicy policy;

	private final CallPlan plan;

	private final CallTransport<R> transport;

	private CallExecution(CallPolicy policy, CallPlan plan, CallTransport<R> transport) {
		this.policy = policy;
		this.plan = plan;
		this.transport = transport;
	}

	/**
	 * Runs a call.
	 * @param <R> the response type
	 * @param policy the client's policy
	 * @param plan what the policy needs to know of the call
	 * @param instances the instances discovery lists, not empty
	 * @param transport sends each attempt
	 * @return the attempt that decided the call: a response, or the failure to report
	 */
	public static <R> Attempt<R> run(CallPolicy policy, CallPlan plan, List<ServiceInstance> instances,
			CallTransport<R> transport) {
		if (instances.isEmpty()) {
			throw new IllegalArgumentException("instances must not be empty");
		}
		return new CallExecution<>(policy, plan, transport).run(instances);
	}

	private Attempt<R> run(List<ServiceInstance> instances) {
		this.policy.listener().callStarted();
		this.policy.budget().deposit();
		if (this.plan.hedged() && instances.size() > 1) {
			Duration delay = this.policy.hedgeDelay();
			Executor executor = this.policy.hedgeExecutor();
			if (delay != null && executor != null) {
				return hedged(instances, delay, executor);
			}
		}
		return withRetries(instances, null);
	}

	private Attempt<R> withRetries(List<ServiceInstance> instances, @Nullable List<ServiceInstance> alreadyTried) {
		int maxAttempts = this.policy.maxAttempts();
		List<ServiceInstance> tried = alreadyTried;
		BackOffExecution backOff = null;
		for (int number = 1;; number++) {
			ServiceInstance instance = this.policy.choose(instances, tried);
			Attempt<R> result = attempt(instance, number, maxAttempts);
			if (!this.policy.mayRetry(result, this.plan.idempotent()) || number >= maxAttempts
					|| !this.policy.withdraw()) {
				return result;
			}
			if (backOff == null) {
				// Started on the first retry only: most calls never need one.
				backOff = this.policy.backOff().start();
			}
			long wait = backOff.nextBackOff();
			if (wait == BackOffExecution.STOP) {
				return result;
			}
			this.policy.listener().retried(result);
			discard(result);
			if (tried == null) {
				tried = new ArrayList<>(maxAttempts);
			}
			tried.add(result.instance());
			if (wait > 0 && !sleep(wait)) {
				return result;
			}
		}
	}

	private Attempt<R> hedged(List<ServiceInstance> instances, Duration delay, Executor executor) {
		HedgeRace<R> race = new HedgeRace<>(this.policy.listener(),
				(attempt) -> this.policy.mayRetry(attempt, this.plan.idempotent()), this::discard);
		ServiceInstance first = this.policy.choose(instances, null);
		long started = System.nanoTime();
		if (!race.start(executor, () -> attempt(first, 1, 2))) {
			// Every thread of the call executor is busy: make the call without a hedge, on the caller's thread.
			this.policy.listener().hedgeSkipped();
			return withRetries(instances, null);
		}
		long bound = this.plan.attemptBound().toNanos();
		long deadline = started + bound;
		Attempt<R> result = race.await(started + delay.toNanos(), this.transport::interrupted);
		if (result == null) {
			if (this.policy.withdraw()) {
				ServiceInstance second = this.policy.choose(instances, List.of(first));
				if (race.start(executor, () -> attempt(second, 2, 2))) {
					this.policy.listener().hedged();
					deadline = System.nanoTime() + bound;
				}
				else {
					this.policy.listener().hedgeSkipped();
				}
			}
			result = race.await(deadline, this.transport::interrupted);
		}
		if (result == null) {
			// The transport's timeouts should have ended every attempt by now (a server trickling its answer
			// byte by byte can outlast a read timeout): stop waiting.
			race.abandon();
			return Attempt.finalFailure(first, this.transport.hedgeTimeout(this.plan.attemptBound()),
					CallOutcome.TIMEOUT);
		}
		if (this.policy.mayRetry(result, this.plan.idempotent())) {
			// Every hedged attempt failed in a retryable way: fall back to ordinary retries elsewhere.
			discard(result);
			return withRetries(instances, new ArrayList<>(race.instances()));
		}
		return result;
	}

	private Attempt<R> attempt(ServiceInstance instance, int number, int maxAttempts) {
		CallListener listener = this.policy.listener();
		this.policy.balancer().onStart(instance);
		Object token = listener.attemptStarted(instance, number);
		long start = System.nanoTime();
		Attempt<R> result;
		try {
			result = this.transport.send(instance, number, maxAttempts);
		}
		catch (RuntimeException ex) {
			result = Attempt.finalFailure(instance, ex, CallOutcome.IO_FAILURE);
		}
		catch (Error ex) {
			// Balance the balancer's in-flight count, then let the error end the call (or the hedge race).
			completed(instance, start, Attempt.finalFailure(instance, new IllegalStateException(ex),
					CallOutcome.IO_FAILURE), token);
			throw ex;
		}
		return completed(instance, start, result, token);
	}

	private Attempt<R> completed(ServiceInstance chosen, long start, Attempt<R> attempt, @Nullable Object token) {
		record(this.policy, chosen, start, attempt, token);
		return attempt;
	}

	/**
	 * Reports an ended attempt to the balancer, the outlier detector, the latency tracker and the listener.
	 * @param policy the policy
	 * @param chosen the instance the policy chose (whose in-flight count the balancer raised)
	 * @param start when the attempt started, on the {@link System#nanoTime()} clock
	 * @param attempt how it ended
	 * @param token what the listener returned when it started
	 */
	static void record(CallPolicy policy, ServiceInstance chosen, long start, Attempt<?> attempt,
			@Nullable Object token) {
		long latency = System.nanoTime() - start;
		CallOutcome outcome = attempt.callOutcome();
		policy.balancer().onComplete(chosen, latency, outcome);
		OutlierDetector outliers = policy.outliers();
		if (outliers != null && outcome != CallOutcome.CANCELLED) {
			ServiceInstance instance = attempt.instance();
			// Only failures can eject: successes skip the look-up.
			boolean wasEjected = outcome.isInstanceFailure() && outliers.isEjected(instance);
			outliers.record(instance, outcome);
			if (outcome.isInstanceFailure() && !wasEjected && outliers.isEjected(instance)) {
				policy.listener().ejected(instance, outcome);
			}
		}
		LatencyTracker latencies = policy.latencies();
		if (latencies != null && (outcome == CallOutcome.SUCCESS || outcome == CallOutcome.CLIENT_ERROR)) {
			latencies.record(latency);
		}
		policy.listener().attemptEnded(attempt, latency, token);
	}

	private void discard(Attempt<R> attempt) {
		R response = attempt.response();
		if (response != null) {
			this.transport.discard(response);
		}
	}

	private static boolean sleep(long millis) {
		try {
			Thread.sleep(millis);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
