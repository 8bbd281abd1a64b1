package dev.switchboard.core.call;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The attempts of one call driven by an asynchronous transport (a gRPC {@code ClientCall}, say), which cannot
 * block a thread in {@link CallExecution}: the transport asks for the {@link #next()} instance, sends, and reports
 * how the attempt {@link #ended ended}; the answer is whether, and after how long, to try again. The rules and
 * the bookkeeping are {@link CallExecution}'s: the same {@link CallPolicy} decides. No hedging. Not thread-safe:
 * one attempt at a time.
 *
 * @author Switchboard
 */
public final class CallAttempts {

	/** What {@link #ended} answers when the call ends with the attempt. */
	public static final long DONE = -1;

	private final CallPolicy policy;

	private final CallPlan plan;

	private final List<ServiceInstance> instances;

	private @Nullable List<ServiceInstance> tried;

	private @Nullable BackOffExecution backOff;

	private int number;

	private @Nullable ServiceInstance current;

	private long start;

	private @Nullable Object token;

	private CallAttempts(CallPolicy policy, CallPlan plan, List<ServiceInstance> instances) {
		this.policy = policy;
		this.plan = plan;
		this.instances = instances;
	}

	/**
	 * Starts a call.
	 * @param policy the client's policy
	 * @param plan what the policy needs to know of the call
	 * @param instances the instances discovery lists, not empty
	 * @return the call's attempts
	 */
	public static CallAttempts start(CallPolicy policy, CallPlan plan, List<ServiceInstance> instances) {
		if (instances.isEmpty()) {
			throw new IllegalArgumentException("instances must not be empty");
		}
		policy.listener().callStarted();
		policy.budget().deposit();
		return new CallAttempts(policy, plan, instances);
	}

	/**
	 * Chooses the instance of the next attempt and records its start.
	 * @return the instance
	 */
	public ServiceInstance next() {
		ServiceInstance instance = this.policy.choose(this.instances, this.tried);
		this.number++;
		this.policy.balancer().onStart(instance);
		this.token = this.policy.listener().attemptStarted(instance, this.number);
		this.current = instance;
		this.start = System.nanoTime();
		return instance;
	}

	/**
	 * The number of the current attempt, from 1.
	 * @return the number
	 */
	public int number() {
		return this.number;
	}

	/**
	 * Records how the current attempt ended and decides what follows.
	 * @param attempt how it ended
	 * @return the wait in milliseconds before the next attempt, or {@link #DONE} when the call ends with this one
	 */
	public long ended(Attempt<?> attempt) {
		ServiceInstance chosen = this.current;
		if (chosen == null) {
			throw new IllegalStateException("No attempt was started");
		}
		this.current = null;
		CallExecution.record(this.policy, chosen, this.start, attempt, this.token);
		if (!this.policy.mayRetry(attempt, this.plan.idempotent()) || this.number >= this.policy.maxAttempts()
				|| !this.policy.withdraw()) {
			return DONE;
		}
		if (this.backOff == null) {
			this.backOff = this.policy.backOff().start();
		}
		long wait = this.backOff.nextBackOff();
		if (wait == BackOffExecution.STOP) {
			return DONE;
		}
		this.policy.listener().retried(attempt);
		if (this.tried == null) {
			this.tried = new ArrayList<>(this.policy.maxAttempts());
		}
		this.tried.add(attempt.instance());
		return Math.max(0, wait);
	}

}
