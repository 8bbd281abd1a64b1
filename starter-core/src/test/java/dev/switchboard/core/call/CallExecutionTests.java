package dev.switchboard.core.call;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.core.balancer.CallOutcome;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.balancer.OutlierDetector;
import dev.switchboard.core.balancer.RoundRobinLoadBalancer;
import dev.switchboard.core.resilience.LatencyTracker;
import dev.switchboard.core.resilience.RetryBudget;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link CallExecution} and the decisions of {@link CallPolicy}, with a scripted transport.
 *
 * @author Switchboard
 */
class CallExecutionTests {

	private static final ServiceInstance A = instance("a");

	private static final ServiceInstance B = instance("b");

	private static final ServiceInstance C = instance("c");

	private static final List<ServiceInstance> INSTANCES = List.of(A, B, C);

	private static final CallPlan POST = new CallPlan(false, false, Duration.ofSeconds(5));

	private static final CallPlan GET = new CallPlan(true, false, Duration.ofSeconds(5));

	private final RecordingListener listener = new RecordingListener();

	private ExecutorService executor;

	@AfterEach
	void stopExecutor() {
		if (this.executor != null) {
			this.executor.shutdownNow();
		}
	}

	@Test
	void requestThatNeverLeftIsRetriedOnAnotherInstanceEvenWhenNotIdempotent() {
		List<ServiceInstance> sent = Collections.synchronizedList(new ArrayList<>());
		Attempt<String> result = CallExecution.run(policy(3).build(), POST, INSTANCES, (instance, number, max) -> {
			sent.add(instance);
			return (number == 1) ? Attempt.notSent(instance, new IllegalStateException("refused"))
					: Attempt.response(instance, "ok", CallOutcome.SUCCESS, false);
		});
		assertThat(sent).hasSize(2);
		assertThat(sent.get(1)).isNotEqualTo(sent.get(0));
		assertThat(result.get()).isEqualTo("ok");
		assertThat(this.listener.retries).hasValue(1);
	}

	@Test
	void failureAfterSendIsNotRetriedWhenNotIdempotent() {
		AtomicInteger attempts = new AtomicInteger();
		Attempt<String> result = CallExecution.run(policy(3).build(), POST, INSTANCES, (instance, number, max) -> {
			attempts.incrementAndGet();
			return Attempt.failedAfterSend(instance, new IllegalStateException("reset"), CallOutcome.IO_FAILURE);
		});
		assertThat(attempts).hasValue(1);
		assertThat(result.outcome()).isEqualTo(AttemptOutcome.FAILED_AFTER_SEND);
		assertThatThrownBy(result::get).hasMessage("reset");
	}

	@Test
	void failureAfterSendIsRetriedWhenIdempotent() {
		AtomicInteger attempts = new AtomicInteger();
		Attempt<String> result = CallExecution.run(policy(3).build(), GET, INSTANCES, (instance, number, max) -> {
			attempts.incrementAndGet();
			return (number < 3) ? Attempt.failedAfterSend(instance, new IllegalStateException("timeout"),
					CallOutcome.TIMEOUT) : Attempt.response(instance, "ok", CallOutcome.SUCCESS, false);
		});
		assertThat(attempts).hasValue(3);
		assertThat(result.get()).isEqualTo("ok");
	}

	@Test
	void retryableStatusIsRetriedOnlyWhenIdempotent() {
		CallPolicy policy = policy(3).build();
		Attempt<String> unavailable = Attempt.response(A, "503", CallOutcome.SERVER_ERROR, true);
		Attempt<String> internal = Attempt.response(A, "500", CallOutcome.SERVER_ERROR, false);
		assertThat(policy.mayRetry(unavailable, true)).isTrue();
		assertThat(policy.mayRetry(unavailable, false)).isFalse();
		assertThat(policy.mayRetry(internal, true)).isFalse();
		assertThat(policy.mayRetry(Attempt.finalFailure(A, new IllegalStateException(), CallOutcome.CANCELLED), true))
			.isFalse();
	}

	@Test
	void responsesThatAreNotRetriedAreReturnedAfterOneAttempt() {
		AtomicInteger attempts = new AtomicInteger();
		Attempt<String> result = CallExecution.run(policy(3).build(), GET, INSTANCES, (instance, number, max) -> {
			attempts.incrementAndGet();
			return Attempt.response(instance, "500", CallOutcome.SERVER_ERROR, false);
		});
		assertThat(attempts).hasValue(1);
		assertThat(result.get()).isEqualTo("500");
	}

	@Test
	void retriesStopAtMaxAttemptsAndEachGoesToAnInstanceNotTriedYet() {
		List<ServiceInstance> sent = Collections.synchronizedList(new ArrayList<>());
		Attempt<String> result = CallExecution.run(policy(3).build(), POST, INSTANCES, (instance, number, max) -> {
			sent.add(instance);
			return Attempt.notSent(instance, new IllegalStateException("refused " + number));
		});
		assertThat(sent).containsExactlyInAnyOrder(A, B, C);
		assertThatThrownBy(result::get).hasMessage("refused 3");
	}

	@Test
	void retryBudgetRefusalEndsTheCall() {
		RetryBudget empty = new RetryBudget(Duration.ofSeconds(10), 0, 0.0);
		AtomicInteger attempts = new AtomicInteger();
		CallExecution.run(policy(3).budget(empty).build(), POST, INSTANCES, (instance, number, max) -> {
			attempts.incrementAndGet();
			return Attempt.notSent(instance, new IllegalStateException("refused"));
		});
		assertThat(attempts).hasValue(1);
		assertThat(this.listener.budgetRefusals).hasValue(1);
	}

	@Test
	void backOffThatStopsEndsTheRetries() {
		AtomicInteger attempts = new AtomicInteger();
		CallExecution.run(policy(5).backOff(new FixedBackOff(1, 1)).build(), GET, INSTANCES,
				(instance, number, max) -> {
					attempts.incrementAndGet();
					return Attempt.notSent(instance, new IllegalStateException("refused"));
				});
		assertThat(attempts).hasValue(2);
	}

	@Test
	void discardsTheResponseOfARetriedAttempt() {
		List<String> discarded = new ArrayList<>();
		CallTransport<String> transport = new CallTransport<>() {

			@Override
			public Attempt<String> send(ServiceInstance instance, int number, int maxAttempts) {
				return (number == 1) ? Attempt.response(instance, "503", CallOutcome.SERVER_ERROR, true)
						: Attempt.response(instance, "200", CallOutcome.SUCCESS, false);
			}

			@Override
			public void discard(String response) {
				discarded.add(response);
			}

		};
		assertThat(CallExecution.run(policy(2).build(), GET, INSTANCES, transport).get()).isEqualTo("200");
		assertThat(discarded).containsExactly("503");
	}

	@Test
	void ejectedInstancesAreLeftOutAndTheEjectionIsReported() {
		OutlierDetector outliers = new OutlierDetector(
				new OutlierDetector.Config(2, Duration.ofMinutes(1), Duration.ofMinutes(5), 50));
		CallPolicy policy = policy(1).outliers(outliers).build();
		List<ServiceInstance> two = List.of(A, B);
		List<ServiceInstance> sent = Collections.synchronizedList(new ArrayList<>());
		for (int i = 0; i < 10; i++) {
			CallExecution.run(policy, GET, two, (instance, number, max) -> {
				sent.add(instance);
				return instance.equals(A) ? Attempt.notSent(instance, new IllegalStateException("refused"))
						: Attempt.response(instance, "ok", CallOutcome.SUCCESS, false);
			});
		}
		assertThat(this.listener.ejections).containsExactly(A);
		assertThat(outliers.isEjected(A)).isTrue();
		assertThat(sent.subList(sent.lastIndexOf(A) + 1, sent.size())).hasSizeGreaterThan(3).containsOnly(B);
	}

	@Test
	void slowFirstAttemptIsHedgedOnAnotherInstanceAndTheFirstAnswerWins() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CallPolicy policy = policy(1).hedging(executor(4), Duration.ofMillis(20), new LatencyTracker(64, 95))
			.build();
		Attempt<String> result = CallExecution.run(policy, new CallPlan(true, true, Duration.ofSeconds(5)),
				INSTANCES, (instance, number, max) -> {
					if (number == 1) {
						try {
							release.await(5, TimeUnit.SECONDS);
						}
						catch (InterruptedException ex) {
							return Attempt.finalFailure(instance, new IllegalStateException("cancelled"),
									CallOutcome.CANCELLED);
						}
						return Attempt.response(instance, "slow", CallOutcome.SUCCESS, false);
					}
					return Attempt.response(instance, "hedge", CallOutcome.SUCCESS, false);
				});
		release.countDown();
		assertThat(this.listener.hedges).hasValue(1);
		assertThat(result.get()).isEqualTo("hedge");
	}

	@Test
	void hedgeIsSkippedWhenTheExecutorIsFull() {
		CallPolicy policy = policy(1).hedging(executor(0), Duration.ofMillis(1), new LatencyTracker(64, 95)).build();
		Attempt<String> result = CallExecution.run(policy, new CallPlan(true, true, Duration.ofSeconds(5)),
				INSTANCES, (instance, number, max) -> Attempt.response(instance, "ok", CallOutcome.SUCCESS, false));
		assertThat(result.get()).isEqualTo("ok");
		assertThat(this.listener.hedgesSkipped).hasValue(1);
	}

	@Test
	void transportThatThrowsEndsTheCallAndBalancesTheBalancer() {
		CountingBalancer balancer = new CountingBalancer();
		Attempt<String> result = CallExecution.run(CallPolicy.builder(balancer).maxAttempts(3).build(), GET,
				INSTANCES, (instance, number, max) -> {
					throw new IllegalArgumentException("bad request");
				});
		assertThat(result.outcome()).isEqualTo(AttemptOutcome.FINAL);
		assertThatThrownBy(result::get).hasMessage("bad request");
		assertThat(balancer.started).hasValue(1);
		assertThat(balancer.completed).hasValue(1);
	}

	private CallPolicy.Builder policy(int maxAttempts) {
		return CallPolicy.builder(new RoundRobinLoadBalancer()).maxAttempts(maxAttempts).listener(this.listener);
	}

	private ExecutorService executor(int threads) {
		this.executor = (threads == 0) ? new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new SynchronousQueue<>()) {

			@Override
			public void execute(Runnable command) {
				throw new java.util.concurrent.RejectedExecutionException("full");
			}

		} : new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new SynchronousQueue<>());
		return this.executor;
	}

	private static ServiceInstance instance(String host) {
		return new DefaultServiceInstance(host, "test", host, 8080, false);
	}

	static final class RecordingListener implements CallListener {

		final AtomicInteger retries = new AtomicInteger();

		final AtomicInteger hedges = new AtomicInteger();

		final AtomicInteger hedgesSkipped = new AtomicInteger();

		final AtomicInteger budgetRefusals = new AtomicInteger();

		final AtomicInteger cancelled = new AtomicInteger();

		final List<ServiceInstance> ejections = Collections.synchronizedList(new ArrayList<>());

		@Override
		public void retried(Attempt<?> failed) {
			this.retries.incrementAndGet();
		}

		@Override
		public void hedged() {
			this.hedges.incrementAndGet();
		}

		@Override
		public void hedgeSkipped() {
			this.hedgesSkipped.incrementAndGet();
		}

		@Override
		public void budgetRefused() {
			this.budgetRefusals.incrementAndGet();
		}

		@Override
		public void cancelled() {
			this.cancelled.incrementAndGet();
		}

		@Override
		public void ejected(ServiceInstance instance, CallOutcome outcome) {
			this.ejections.add(instance);
		}

	}

	static final class CountingBalancer implements LoadBalancer {

		final AtomicInteger started = new AtomicInteger();

		final AtomicInteger completed = new AtomicInteger();

		@Override
		public ServiceInstance choose(List<ServiceInstance> instances) {
			return instances.get(0);
		}

		@Override
		public void onStart(ServiceInstance instance) {
			this.started.incrementAndGet();
		}

		@Override
		public void onComplete(ServiceInstance instance, long latencyNanos, CallOutcome outcome) {
			this.completed.incrementAndGet();
		}

	}

}
