package dev.switchboard.core.balancer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link P2cEwmaLoadBalancer}.
 *
 * @author Switchboard
 */
class P2cEwmaLoadBalancerTests {

	private static final long MS = 1_000_000L;

	private final AtomicLong clock = new AtomicLong(1_000 * MS);

	private final P2cEwmaLoadBalancer balancer = new P2cEwmaLoadBalancer(Duration.ofSeconds(10), Duration.ofSeconds(1),
			this.clock::get);

	private final List<ServiceInstance> instances = TestInstances.instances("a", "b", "c");

	private final ServiceInstance a = this.instances.get(0);

	private final ServiceInstance b = this.instances.get(1);

	private final ServiceInstance c = this.instances.get(2);

	@Test
	void sendsFarLessTrafficToASlowInstance() {
		Map<ServiceInstance, Integer> picks = run(1000, (instance) -> (instance == this.c) ? 100 * MS : 10 * MS,
				(instance) -> CallOutcome.SUCCESS);
		assertThat(picks.getOrDefault(this.c, 0)).isLessThan(100);
		assertThat(picks.get(this.a) + picks.get(this.b)).isGreaterThan(900);
	}

	@Test
	void triesASlowInstanceAgainOnceItsAverageDecayedBelowTheOthers() {
		Function<ServiceInstance, Long> latencies = (instance) -> (instance == this.c) ? 100 * MS : 10 * MS;
		run(200, latencies, (instance) -> CallOutcome.SUCCESS);
		// 100 ms decays to 10 ms in ln(10) * 10 s, about 23 s: not yet after 20 s, surely within 30 s.
		Map<ServiceInstance, Integer> untilDecayed = run(1800, latencies, (instance) -> CallOutcome.SUCCESS);
		Map<ServiceInstance, Integer> afterwards = run(1000, latencies, (instance) -> CallOutcome.SUCCESS);
		assertThat(untilDecayed.getOrDefault(this.c, 0)).isZero();
		assertThat(afterwards.getOrDefault(this.c, 0)).isPositive();
	}

	@Test
	void prefersTheInstanceWithFewerCallsInFlightWhenLatenciesAreEqual() {
		run(300, (instance) -> 10 * MS, (instance) -> CallOutcome.SUCCESS);
		this.balancer.onStart(this.a);
		this.balancer.onStart(this.a);
		this.balancer.onStart(this.b);
		Map<ServiceInstance, Integer> picks = new HashMap<>();
		for (int i = 0; i < 300; i++) {
			picks.merge(this.balancer.choose(this.instances), 1, Integer::sum);
		}
		assertThat(picks).doesNotContainKey(this.a);
		assertThat(picks.get(this.c)).isGreaterThan(picks.getOrDefault(this.b, 0));
		List<ServiceInstance> pair = List.of(this.a, this.b);
		for (int i = 0; i < 100; i++) {
			assertThat(this.balancer.choose(pair)).isSameAs(this.b);
		}
	}

	@Test
	void sendsFarLessTrafficToAnInstanceThatFailsFast() {
		run(300, (instance) -> 10 * MS, (instance) -> CallOutcome.SUCCESS);
		Map<ServiceInstance, Integer> picks = run(1000, (instance) -> (instance == this.c) ? MS : 10 * MS,
				(instance) -> (instance == this.c) ? CallOutcome.SERVER_ERROR : CallOutcome.SUCCESS);
		assertThat(picks.getOrDefault(this.c, 0)).isLessThan(50);
	}

	@Test
	void countsAFailureAsAtLeastThePenalty() {
		this.balancer.onStart(this.a);
		this.balancer.onComplete(this.a, 2 * MS, CallOutcome.CONNECT_FAILURE);
		assertThat(this.balancer.snapshot().get("a:8080").latencyNanos()).isEqualTo(1000.0 * MS);
	}

	@Test
	void clientErrorsDoNotCountAsFailures() {
		this.balancer.onStart(this.a);
		this.balancer.onComplete(this.a, 2 * MS, CallOutcome.CLIENT_ERROR);
		assertThat(this.balancer.snapshot().get("a:8080").latencyNanos()).isEqualTo(2.0 * MS);
	}

	@Test
	void triesAnInstanceWithoutSamplesButDoesNotFloodIt() {
		run(100, (instance) -> 10 * MS, (instance) -> CallOutcome.SUCCESS);
		ServiceInstance fresh = TestInstances.instance("d");
		List<ServiceInstance> pair = List.of(this.a, fresh);
		assertThat(this.balancer.choose(pair)).isSameAs(fresh);
		this.balancer.onStart(fresh);
		assertThat(this.balancer.choose(pair)).isSameAs(this.a);
	}

	@Test
	void followsASlowerSampleAtOnceAndBlendsFasterOnesIn() {
		record(this.a, 10 * MS);
		this.clock.addAndGet(1_000 * MS);
		record(this.a, 100 * MS);
		assertThat(latency("a:8080")).isEqualTo(100.0 * MS);
		this.clock.addAndGet(1_000 * MS);
		record(this.a, 10 * MS);
		double weight = Math.exp(-0.1);
		assertThat(latency("a:8080")).isCloseTo(100.0 * MS * weight + 10.0 * MS * (1 - weight), within(1.0));
	}

	@Test
	void decaysTheAverageBetweenSamples() {
		record(this.a, 100 * MS);
		this.clock.addAndGet(10_000 * MS);
		assertThat(latency("a:8080")).isCloseTo(100.0 * MS * Math.exp(-1), within(1.0));
	}

	@Test
	void snapshotShowsCallsInFlightAndCost() {
		record(this.a, 10 * MS);
		this.balancer.onStart(this.a);
		this.balancer.onStart(this.b);
		Map<String, P2cEwmaLoadBalancer.InstanceLoad> snapshot = this.balancer.snapshot();
		assertThat(snapshot).containsOnlyKeys("a:8080", "b:8080");
		assertThat(snapshot.get("a:8080")).isEqualTo(new P2cEwmaLoadBalancer.InstanceLoad(10.0 * MS, 1, 20.0 * MS));
		assertThat(snapshot.get("b:8080")).isEqualTo(new P2cEwmaLoadBalancer.InstanceLoad(0.0, 1, 2000.0 * MS));
	}

	@Test
	void retainAllForgetsInstancesThatAreGone() {
		record(this.a, 10 * MS);
		record(this.b, 10 * MS);
		this.balancer.onStart(this.c);
		this.balancer.retainAll(List.of(this.b));
		this.balancer.onComplete(this.c, 10 * MS, CallOutcome.SUCCESS);
		assertThat(this.balancer.snapshot()).containsOnlyKeys("b:8080");
	}

	@Test
	void neverCountsCallsInFlightBelowZero() {
		record(this.a, 10 * MS);
		this.balancer.onComplete(this.a, 10 * MS, CallOutcome.SUCCESS);
		assertThat(this.balancer.snapshot().get("a:8080").inFlight()).isZero();
	}

	@Test
	void rejectsNonPositiveDecay() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new P2cEwmaLoadBalancer(Duration.ZERO, Duration.ofSeconds(1), System::nanoTime))
			.withMessage("decay must be positive but was PT0S");
	}

	@Test
	void rejectsNonPositiveFailurePenalty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new P2cEwmaLoadBalancer(Duration.ofSeconds(10), Duration.ofMillis(-5), System::nanoTime))
			.withMessage("failurePenalty must be positive but was PT-0.005S");
	}

	private Map<ServiceInstance, Integer> run(int calls, Function<ServiceInstance, Long> latencies,
			Function<ServiceInstance, CallOutcome> outcomes) {
		Map<ServiceInstance, Integer> picks = new HashMap<>();
		for (int i = 0; i < calls; i++) {
			ServiceInstance chosen = this.balancer.choose(this.instances);
			long latency = latencies.apply(chosen);
			this.balancer.onStart(chosen);
			this.clock.addAndGet(latency);
			this.balancer.onComplete(chosen, latency, outcomes.apply(chosen));
			picks.merge(chosen, 1, Integer::sum);
		}
		return picks;
	}

	private void record(ServiceInstance instance, long latencyNanos) {
		this.balancer.onStart(instance);
		this.balancer.onComplete(instance, latencyNanos, CallOutcome.SUCCESS);
	}

	private double latency(String key) {
		return this.balancer.snapshot().get(key).latencyNanos();
	}

}
