package dev.switchboard.core.call;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;

import dev.switchboard.core.balancer.CallOutcome;
import dev.switchboard.core.balancer.RoundRobinLoadBalancer;
import dev.switchboard.core.call.CallExecutionTests.CountingBalancer;
import dev.switchboard.core.call.CallExecutionTests.RecordingListener;
import dev.switchboard.core.resilience.LatencyTracker;
import dev.switchboard.core.resilience.RetryBudget;
import dev.switchboard.core.testing.MutableClock;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link CallAttempts}, the asynchronous driver of the call policy: retries and the decisions of a
 * hedged call, on a hand-moved clock.
 *
 * @author Switchboard
 */
class CallAttemptsTests {

	private static final ServiceInstance A = instance("a");

	private static final ServiceInstance B = instance("b");

	private static final ServiceInstance C = instance("c");

	private static final List<ServiceInstance> INSTANCES = List.of(A, B, C);

	private static final Duration DELAY = Duration.ofMillis(50);

	private static final CallPlan POST = new CallPlan(false, false, Duration.ofSeconds(5));

	private static final CallPlan HEDGED_GET = new CallPlan(true, true, Duration.ofSeconds(5));

	/** Never runs anything: asynchronous attempts do not need the executor of blocking hedges. */
	private static final Executor UNUSED = (task) -> {
		throw new AssertionError("The asynchronous driver ran a task on the hedge executor");
	};

	private final RecordingListener listener = new RecordingListener();

	private final MutableClock clock = new MutableClock();

	@Test
	void asynchronousAttemptsFollowTheSameRules() {
		CallAttempts attempts = CallAttempts.start(policy().maxAttempts(3).build(), POST, INSTANCES, this.clock);
		CallAttempts.Ongoing first = attempts.next();
		assertThat(attempts.ended(first, Attempt.notSent(first.instance(), new IllegalStateException("refused"))))
			.isZero();
		CallAttempts.Ongoing second = attempts.next();
		assertThat(second.instance()).isNotEqualTo(first.instance());
		assertThat(attempts.ended(second, Attempt.failedAfterSend(second.instance(),
				new IllegalStateException("reset"), CallOutcome.IO_FAILURE))).isEqualTo(CallAttempts.DONE);
		assertThat(second.number()).isEqualTo(2);
		assertThat(this.listener.retries).hasValue(1);
	}

	@Test
	void hedgeIsDueOnlyOnceTheDelayHasPassedAndGoesToAnInstanceNotTried() {
		CallAttempts attempts = CallAttempts.start(hedging().build(), HEDGED_GET, INSTANCES, this.clock);
		assertThat(attempts.hedgeDelay()).isEqualTo(DELAY);
		CallAttempts.Ongoing first = attempts.next();
		this.clock.advance(DELAY.minusMillis(1));
		assertThat(attempts.hedge()).isNull();
		assertThat(this.listener.hedges).hasValue(0);
		this.clock.advance(Duration.ofMillis(1));
		CallAttempts.Ongoing hedge = attempts.hedge();
		assertThat(hedge).isNotNull();
		assertThat(hedge.instance()).isNotEqualTo(first.instance());
		assertThat(hedge.number()).isEqualTo(2);
		assertThat(this.listener.hedges).hasValue(1);
		// One hedge per call.
		this.clock.advance(DELAY);
		assertThat(attempts.hedge()).isNull();
		assertThat(this.listener.hedges).hasValue(1);
	}

	@Test
	void firstUsefulAnswerDecidesAndTheLoserIsCountedAsCancelled() {
		CountingBalancer balancer = new CountingBalancer();
		CallPolicy policy = CallPolicy.builder(balancer)
			.listener(this.listener)
			.hedging(UNUSED, DELAY, new LatencyTracker(16, 95.0))
			.build();
		CallAttempts attempts = CallAttempts.start(policy, HEDGED_GET, INSTANCES, this.clock);
		CallAttempts.Ongoing first = attempts.next();
		this.clock.advance(DELAY);
		CallAttempts.Ongoing hedge = attempts.hedge();
		assertThat(hedge).isNotNull();
		assertThat(attempts.ended(hedge, Attempt.response(hedge.instance(), "fast", CallOutcome.SUCCESS, false)))
			.isEqualTo(CallAttempts.DONE);
		// The transport cancels the slow attempt, which then ends: recorded, and dropped.
		assertThat(attempts.ended(first, Attempt.finalFailure(first.instance(), new IllegalStateException("cancelled"),
				CallOutcome.CANCELLED))).isEqualTo(CallAttempts.DISCARD);
		assertThat(balancer.started).hasValue(2);
		assertThat(balancer.completed).hasValue(2);
		assertThat(this.listener.cancelled).hasValue(1);
	}

	@Test
	void retryableFailureWaitsForTheOtherAttemptOfTheRace() {
		CallAttempts attempts = CallAttempts.start(hedging().maxAttempts(2).build(), HEDGED_GET, INSTANCES,
				this.clock);
		CallAttempts.Ongoing first = attempts.next();
		this.clock.advance(DELAY);
		CallAttempts.Ongoing hedge = attempts.hedge();
		assertThat(hedge).isNotNull();
		assertThat(attempts.ended(hedge, Attempt.failedAfterSend(hedge.instance(), new IllegalStateException("reset"),
				CallOutcome.IO_FAILURE))).isEqualTo(CallAttempts.DISCARD);
		assertThat(attempts.ended(first, Attempt.response(first.instance(), "slow", CallOutcome.SUCCESS, false)))
			.isEqualTo(CallAttempts.DONE);
		assertThat(this.listener.cancelled).hasValue(0);
	}

	@Test
	void whenBothAttemptsFailRetryablyTheCallIsRetriedOnTheInstanceLeft() {
		CallAttempts attempts = CallAttempts.start(hedging().maxAttempts(2).build(), HEDGED_GET, INSTANCES,
				this.clock);
		CallAttempts.Ongoing first = attempts.next();
		this.clock.advance(DELAY);
		CallAttempts.Ongoing hedge = attempts.hedge();
		assertThat(hedge).isNotNull();
		assertThat(attempts.ended(first, Attempt.failedAfterSend(first.instance(), new IllegalStateException("reset"),
				CallOutcome.IO_FAILURE))).isEqualTo(CallAttempts.DISCARD);
		assertThat(attempts.ended(hedge, Attempt.failedAfterSend(hedge.instance(), new IllegalStateException("reset"),
				CallOutcome.IO_FAILURE))).isZero();
		assertThat(attempts.next().instance()).isNotIn(first.instance(), hedge.instance());
	}

	@Test
	void hedgeRefusedByTheBudgetIsCountedAndNotSent() {
		CallPolicy policy = hedging().budget(new RetryBudget(Duration.ofSeconds(1), 0, 0.0)).build();
		CallAttempts attempts = CallAttempts.start(policy, HEDGED_GET, INSTANCES, this.clock);
		CallAttempts.Ongoing first = attempts.next();
		this.clock.advance(DELAY);
		assertThat(attempts.hedge()).isNull();
		assertThat(this.listener.budgetRefusals).hasValue(1);
		assertThat(this.listener.hedges).hasValue(0);
		assertThat(attempts.ended(first, Attempt.response(first.instance(), "ok", CallOutcome.SUCCESS, false)))
			.isEqualTo(CallAttempts.DONE);
	}

	@Test
	void callsThatMayNotBeHedgedHaveNoHedgeDelay() {
		CallPolicy policy = hedging().build();
		// Not idempotent, whatever the plan says.
		assertThat(CallAttempts.start(policy, new CallPlan(false, true, Duration.ofSeconds(5)), INSTANCES, this.clock)
			.hedgeDelay()).isNull();
		// Not a hedged method.
		assertThat(CallAttempts.start(policy, new CallPlan(true, false, Duration.ofSeconds(5)), INSTANCES, this.clock)
			.hedgeDelay()).isNull();
		// No other instance to hedge on.
		assertThat(CallAttempts.start(policy, HEDGED_GET, List.of(A), this.clock).hedgeDelay()).isNull();
		// Hedging off for the client.
		assertThat(CallAttempts.start(policy().build(), HEDGED_GET, INSTANCES, this.clock).hedgeDelay()).isNull();
		// A percentile delay with too few calls seen yet.
		assertThat(CallAttempts
			.start(policy().hedging(UNUSED, null, new LatencyTracker(16, 95.0)).build(), HEDGED_GET, INSTANCES,
					this.clock)
			.hedgeDelay()).isNull();
	}

	@Test
	void noHedgeOnceTheFirstAttemptHasEnded() {
		CallAttempts attempts = CallAttempts.start(hedging().maxAttempts(2).build(), HEDGED_GET, INSTANCES,
				this.clock);
		CallAttempts.Ongoing first = attempts.next();
		assertThat(attempts.ended(first, Attempt.notSent(first.instance(), new IllegalStateException("refused"))))
			.isZero();
		CallAttempts.Ongoing retry = attempts.next();
		this.clock.advance(DELAY);
		assertThat(attempts.hedge()).isNull();
		assertThat(attempts.ended(retry, Attempt.response(retry.instance(), "ok", CallOutcome.SUCCESS, false)))
			.isEqualTo(CallAttempts.DONE);
		assertThat(this.listener.hedges).hasValue(0);
	}

	@Test
	void attemptMayEndOnlyOnce() {
		CallAttempts attempts = CallAttempts.start(policy().build(), POST, INSTANCES, this.clock);
		CallAttempts.Ongoing first = attempts.next();
		Attempt<String> ok = Attempt.response(first.instance(), "ok", CallOutcome.SUCCESS, false);
		assertThat(attempts.ended(first, ok)).isEqualTo(CallAttempts.DONE);
		assertThatIllegalStateException().isThrownBy(() -> attempts.ended(first, ok)).withMessageContaining("1");
	}

	private CallPolicy.Builder policy() {
		return CallPolicy.builder(new RoundRobinLoadBalancer()).listener(this.listener);
	}

	private CallPolicy.Builder hedging() {
		return policy().hedging(UNUSED, DELAY, new LatencyTracker(16, 95.0));
	}

	private static ServiceInstance instance(String host) {
		return new DefaultServiceInstance(host, "test", host, 8080, false);
	}

}
