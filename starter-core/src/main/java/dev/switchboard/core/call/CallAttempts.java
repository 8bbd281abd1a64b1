package dev.switchboard.core.call;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The attempts of one call driven by an asynchronous transport (a gRPC {@code ClientCall}, say), which cannot
 * block a thread in {@link CallExecution}: the transport asks for the {@link #next()} attempt, sends it, and
 * reports how it {@link #ended ended}; the answer is whether, and after how long, to try again. The rules and
 * the bookkeeping are {@link CallExecution}'s: the same {@link CallPolicy} decides.
 * <p>
 * A {@link CallPlan#hedged() hedged} call of an idempotent method may race its first attempt: once
 * {@link #hedgeDelay()} has passed, {@link #hedge()} starts a second attempt on an instance not tried yet, if
 * the retry budget allows it. The first useful answer decides the call ({@link #DONE}: the transport cancels
 * the attempt still running); a retryable failure waits for the other attempt ({@link #DISCARD}); the loser's
 * end is recorded and discarded. The hedge is paid by the budget and does not count against
 * {@link CallPolicy#maxAttempts()}.
 * <p>
 * Not thread-safe: a transport whose attempts end on different threads calls it under one lock.
 *
 * @author Switchboard
 */
public final class CallAttempts {

	/** What {@link #ended} answers when the call ends with the attempt: deliver it, cancel any other. */
	public static final long DONE = -1;

	/** What {@link #ended} answers when the attempt does not decide the call: drop its answer. */
	public static final long DISCARD = -2;

	private final CallPolicy policy;

	private final CallPlan plan;

	private final List<ServiceInstance> instances;

	private final Clock clock;

	private final @Nullable Duration hedgeDelay;

	private final List<Ongoing> running = new ArrayList<>(2);

	private @Nullable List<ServiceInstance> tried;

	private @Nullable BackOffExecution backOff;

	private int number;

	private int sequential;

	private @Nullable Instant firstStarted;

	private boolean hedgeSent;

	private boolean decided;

	private CallAttempts(CallPolicy policy, CallPlan plan, List<ServiceInstance> instances, Clock clock) {
		this.policy = policy;
		this.plan = plan;
		this.instances = instances;
		this.clock = clock;
		// Worked out once per call, as CallExecution does: the percentile may move while the call runs.
		this.hedgeDelay = (plan.hedged() && plan.idempotent() && instances.size() > 1) ? policy.hedgeDelay() : null;
	}

	/**
	 * Starts a call.
	 * @param policy the client's policy
	 * @param plan what the policy needs to know of the call
	 * @param instances the instances discovery lists, not empty
	 * @return the call's attempts
	 */
	public static CallAttempts start(CallPolicy policy, CallPlan plan, List<ServiceInstance> instances) {
		return start(policy, plan, instances, Clock.systemUTC());
	}

	/**
	 * Starts a call whose hedge is timed by the given clock.
	 * @param policy the client's policy
	 * @param plan what the policy needs to know of the call
	 * @param instances the instances discovery lists, not empty
	 * @param clock tells when the hedge is due
	 * @return the call's attempts
	 */
	static CallAttempts start(CallPolicy policy, CallPlan plan, List<ServiceInstance> instances, Clock clock) {
		if (instances.isEmpty()) {
			throw new IllegalArgumentException("instances must not be empty");
		}
		policy.listener().callStarted();
		policy.budget().deposit();
		return new CallAttempts(policy, plan, instances, clock);
	}

	/**
	 * Chooses the instance of the next attempt (the first, or a retry) and records its start.
	 * @return the attempt to send
	 */
	public Ongoing next() {
		this.sequential++;
		Ongoing attempt = begin(this.policy.choose(this.instances, this.tried));
		if (this.firstStarted == null) {
			this.firstStarted = this.clock.instant();
		}
		return attempt;
	}

	/**
	 * How long after the first attempt started a hedge is due.
	 * @return the delay, or {@code null} when this call is not hedged (not a hedged idempotent method, one
	 * instance only, hedging off, or too few calls seen for the percentile)
	 */
	public @Nullable Duration hedgeDelay() {
		return this.hedgeDelay;
	}

	/**
	 * Starts the hedge of the first attempt, if it is due: the call is hedged, the first attempt still runs
	 * alone, its hedge delay has passed and no hedge was sent yet. The retry budget pays for it (a refusal is
	 * told to the listener), and it goes to an instance this call has not tried.
	 * @return the hedge to send, or {@code null} if none is
	 */
	public @Nullable Ongoing hedge() {
		Duration delay = this.hedgeDelay;
		Instant first = this.firstStarted;
		if (delay == null || first == null || this.hedgeSent || this.decided || this.running.size() != 1
				|| this.sequential != 1 || this.clock.instant().isBefore(first.plus(delay))) {
			return null;
		}
		this.hedgeSent = true;
		if (!this.policy.withdraw()) {
			return null;
		}
		List<ServiceInstance> exclude = new ArrayList<>(2);
		exclude.add(this.running.get(0).instance);
		if (this.tried != null) {
			exclude.addAll(this.tried);
		}
		Ongoing hedge = begin(this.policy.choose(this.instances, exclude));
		this.policy.listener().hedged();
		return hedge;
	}

	private Ongoing begin(ServiceInstance instance) {
		this.number++;
		this.policy.balancer().onStart(instance);
		Object token = this.policy.listener().attemptStarted(instance, this.number);
		Ongoing attempt = new Ongoing(instance, this.number, System.nanoTime(), token);
		this.running.add(attempt);
		return attempt;
	}

	/**
	 * The number of the latest attempt, from 1, hedges included.
	 * @return the number
	 */
	public int number() {
		return this.number;
	}

	/**
	 * Records how an attempt ended and decides what follows.
	 * @param started the attempt, as {@link #next()} or {@link #hedge()} returned it
	 * @param attempt how it ended
	 * @return {@link #DONE} when the call ends with this attempt (any other still running is to be cancelled),
	 * {@link #DISCARD} when another attempt decides the call, else the wait in milliseconds before
	 * {@link #next()}
	 */
	public long ended(Ongoing started, Attempt<?> attempt) {
		if (!this.running.remove(started)) {
			throw new IllegalStateException("Attempt " + started.number + " is not running");
		}
		CallExecution.record(this.policy, started.instance, started.startNanos, attempt, started.token);
		if (this.tried == null) {
			this.tried = new ArrayList<>(this.policy.maxAttempts() + 1);
		}
		this.tried.add(attempt.instance());
		if (this.decided) {
			// A loser of the hedge race, cancelled or answering late.
			this.policy.listener().cancelled();
			return DISCARD;
		}
		boolean retryable = this.policy.mayRetry(attempt, this.plan.idempotent());
		if (retryable && !this.running.isEmpty()) {
			// The other attempt of the race may still answer.
			return DISCARD;
		}
		if (!retryable || this.sequential >= this.policy.maxAttempts() || !this.policy.withdraw()) {
			this.decided = true;
			return DONE;
		}
		if (this.backOff == null) {
			this.backOff = this.policy.backOff().start();
		}
		long wait = this.backOff.nextBackOff();
		if (wait == BackOffExecution.STOP) {
			this.decided = true;
			return DONE;
		}
		this.policy.listener().retried(attempt);
		return Math.max(0, wait);
	}

	/**
	 * One attempt that was started and has not ended yet.
	 */
	public static final class Ongoing {

		private final ServiceInstance instance;

		private final int number;

		private final long startNanos;

		private final @Nullable Object token;

		private Ongoing(ServiceInstance instance, int number, long startNanos, @Nullable Object token) {
			this.instance = instance;
			this.number = number;
			this.startNanos = startNanos;
			this.token = token;
		}

		/**
		 * The instance the policy chose for the attempt.
		 * @return the instance
		 */
		public ServiceInstance instance() {
			return this.instance;
		}

		/**
		 * The attempt's number, from 1.
		 * @return the number
		 */
		public int number() {
			return this.number;
		}

	}

}
