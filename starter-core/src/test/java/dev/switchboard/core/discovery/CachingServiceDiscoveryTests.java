package dev.switchboard.core.discovery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.switchboard.core.testing.MutableClock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CachingServiceDiscovery}: deadlines on every wait for the backend, the last known instances
 * kept through an outage, and what ends them.
 *
 * @author Switchboard
 */
class CachingServiceDiscoveryTests {

	private static final Duration LOOKUP_TIMEOUT = Duration.ofMillis(200);

	/** Slack for a busy two-core machine: bounds are asserted as "within the timeout plus this". */
	private static final Duration SLACK = Duration.ofSeconds(1);

	private final ScriptedBackend backend = new ScriptedBackend();

	private final MutableClock clock = new MutableClock();

	private final List<CachingServiceDiscovery> created = new ArrayList<>();

	@AfterEach
	void close() {
		this.created.forEach(CachingServiceDiscovery::close);
		this.backend.release();
	}

	@Test
	void firstLookupWaitsForTheBackendAtMostTheLookupTimeout() {
		CachingServiceDiscovery discovery = discovery(null);
		this.backend.hang();
		long start = System.nanoTime();
		List<ServiceInstance> instances = discovery.getInstances("inventory");
		Duration waited = Duration.ofNanos(System.nanoTime() - start);
		assertThat(this.backend.awaitCalls(1)).as("the backend was asked and did not answer").isTrue();
		assertThat(instances).isEmpty();
		assertThat(waited).isGreaterThanOrEqualTo(LOOKUP_TIMEOUT).isLessThan(LOOKUP_TIMEOUT.plus(SLACK));
		assertThat(discovery.isBackendAvailable()).isFalse();
		assertThat(discovery.getOutageCause()).isInstanceOf(DiscoveryLookupTimeoutException.class)
			.hasMessageContaining("inventory")
			.hasMessageContaining("200 ms");
		// Later calls do not wait again: the background refresh keeps asking.
		start = System.nanoTime();
		assertThat(discovery.getInstances("inventory")).isEmpty();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LOOKUP_TIMEOUT);
	}

	@Test
	void concurrentFirstCallersShareOneLookupAndNoneWaitsBeyondTheLookupTimeout() throws Exception {
		CachingServiceDiscovery discovery = discovery(null);
		this.backend.hang();
		ExecutorService callers = Executors.newFixedThreadPool(8);
		try {
			List<Future<Duration>> waits = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				waits.add(callers.submit(() -> {
					long start = System.nanoTime();
					discovery.getInstances("inventory");
					return Duration.ofNanos(System.nanoTime() - start);
				}));
			}
			for (Future<Duration> wait : waits) {
				assertThat(wait.get(5, TimeUnit.SECONDS)).isLessThan(LOOKUP_TIMEOUT.plus(SLACK));
			}
		}
		finally {
			callers.shutdownNow();
		}
		assertThat(this.backend.calls()).isEqualTo(1);
	}

	@Test
	void lateAnswerOfAnAbandonedFirstLookupFillsTheCache() throws Exception {
		CachingServiceDiscovery discovery = discovery(null);
		List<String> changes = new CopyOnWriteArrayList<>();
		discovery.addListener((serviceId, instances) -> changes.add(serviceId + "=" + instances.size()));
		this.backend.hang();
		assertThat(discovery.getInstances("inventory")).isEmpty();
		assertThat(discovery.isBackendAvailable()).isFalse();
		this.backend.answer(instances("inventory", 8081));
		this.backend.release();
		assertThat(awaitCondition(
				() -> discovery.getInstances("inventory").size() == 1 && discovery.isBackendAvailable()))
			.isTrue();
		assertThat(changes).containsExactly("inventory=1");
	}

	@Test
	void hungRefreshIsAbandonedAfterTheLookupTimeoutAndCountsAsAnOutage() {
		CachingServiceDiscovery discovery = discovery(null);
		this.backend.answer(instances("inventory", 8081, 8082));
		assertThat(discovery.getInstances("inventory")).hasSize(2);
		this.backend.hang();

		long start = System.nanoTime();
		discovery.refresh();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LOOKUP_TIMEOUT.plus(SLACK));
		assertThat(this.backend.awaitCalls(2)).as("the refresh reached the backend").isTrue();
		assertThat(discovery.isBackendAvailable()).isFalse();
		assertThat(discovery.getOutageCause()).isInstanceOf(DiscoveryLookupTimeoutException.class);
		assertThat(discovery.getInstances("inventory")).hasSize(2);

		// The next refresh runs on time and asks again, although the first lookup is still stuck.
		start = System.nanoTime();
		discovery.refresh();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LOOKUP_TIMEOUT.plus(SLACK));
		assertThat(this.backend.awaitCalls(3)).isTrue();
		assertThat(discovery.getInstances("inventory")).hasSize(2);
	}

	@Test
	void lastKnownInstancesStayInUseForAsLongAsTheOutageLastsByDefault() {
		CachingServiceDiscovery discovery = discovery(null);
		this.backend.answer(instances("inventory", 8081));
		assertThat(discovery.getInstances("inventory")).hasSize(1);
		Instant outageStart = this.clock.instant();
		this.backend.fail(new IllegalStateException("registry unreachable"));
		discovery.refresh();
		this.clock.advance(Duration.ofDays(2));
		discovery.refresh();

		assertThat(discovery.getInstances("inventory")).hasSize(1);
		assertThat(discovery.getMaxStale()).isNull();
		assertThat(discovery.getOutageStart()).isEqualTo(outageStart);
		assertThat(discovery.getOutageCause()).hasMessage("registry unreachable");

		this.backend.answer(instances("inventory", 8082));
		discovery.refresh();
		assertThat(discovery.isBackendAvailable()).isTrue();
		assertThat(discovery.getOutageStart()).isNull();
		assertThat(discovery.getInstances("inventory")).extracting(ServiceInstance::getPort).containsExactly(8082);
	}

	@Test
	void outageRecordsItsStartAndItsMostRecentError() {
		CachingServiceDiscovery discovery = discovery(null);
		this.backend.answer(instances("inventory", 8081));
		discovery.getInstances("inventory");
		Instant start = this.clock.instant();
		this.backend.fail(new IllegalStateException("first"));
		discovery.refresh();
		this.clock.advance(Duration.ofMinutes(1));
		this.backend.fail(new IllegalStateException("second"));
		discovery.refresh();
		assertThat(discovery.getOutageStart()).isEqualTo(start);
		assertThat(discovery.getOutageCause()).hasMessage("second");
	}

	@Test
	void maxStaleWhenSetDropsInstancesOlderThanItDuringAnOutage() {
		CachingServiceDiscovery discovery = discovery(Duration.ofMinutes(5));
		List<String> changes = new CopyOnWriteArrayList<>();
		discovery.addListener((serviceId, instances) -> changes.add(serviceId + "=" + instances.size()));
		this.backend.answer(instances("inventory", 8081));
		discovery.getInstances("inventory");
		this.backend.fail(new IllegalStateException("registry unreachable"));
		this.clock.advance(Duration.ofMinutes(4));
		discovery.refresh();
		assertThat(discovery.getInstances("inventory")).hasSize(1);
		this.clock.advance(Duration.ofMinutes(2));
		discovery.refresh();
		assertThat(discovery.getInstances("inventory")).isEmpty();
		assertThat(changes).containsExactly("inventory=1", "inventory=0");
	}

	@Test
	void positiveEmptyAnswerEmptiesTheList() {
		CachingServiceDiscovery discovery = discovery(null);
		List<String> changes = new CopyOnWriteArrayList<>();
		discovery.addListener((serviceId, instances) -> changes.add(serviceId + "=" + instances.size()));
		this.backend.answer(instances("inventory", 8081));
		discovery.getInstances("inventory");
		this.backend.answer(List.of());
		discovery.refresh();
		assertThat(discovery.getInstances("inventory")).isEmpty();
		assertThat(discovery.isBackendAvailable()).isTrue();
		assertThat(changes).containsExactly("inventory=1", "inventory=0");
	}

	@Test
	void refreshOfOneServiceAsksTheBackendForThatServiceOnlyAndIgnoresUnknownOnes() {
		CachingServiceDiscovery discovery = discovery(null);
		this.backend.answer(instances("inventory", 8081));
		discovery.getInstances("inventory");
		discovery.getInstances("orders");
		int calls = this.backend.calls();
		this.backend.answer(instances("inventory", 8081, 8082));
		discovery.refresh("inventory");
		assertThat(this.backend.calls()).isEqualTo(calls + 1);
		assertThat(discovery.getInstances("inventory")).hasSize(2);
		discovery.refresh("never-looked-up");
		assertThat(this.backend.calls()).isEqualTo(calls + 1);
		assertThat(discovery.snapshot()).doesNotContainKey("never-looked-up");
	}

	@Test
	void lookupsThatNeverReturnHoldAtMostTheLookupThreads() {
		CachingServiceDiscovery discovery = discovery(null);
		this.backend.hang();
		for (int i = 0; i < 2 * CachingServiceDiscovery.LOOKUP_THREADS; i++) {
			long start = System.nanoTime();
			discovery.getInstances("service-" + i);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LOOKUP_TIMEOUT.plus(SLACK));
		}
		assertThat(this.backend.awaitCalls(CachingServiceDiscovery.LOOKUP_THREADS)).isTrue();
		assertThat(this.backend.inside()).isEqualTo(CachingServiceDiscovery.LOOKUP_THREADS);
		// Once the backend lets go, the stuck lookups end; lookups given up while they queued never reach it.
		this.backend.answer(instances("any", 8081));
		this.backend.release();
		assertThat(awaitCondition(() -> this.backend.inside() == 0)).isTrue();
		discovery.refresh();
		assertThat(discovery.snapshot()).hasSize(2 * CachingServiceDiscovery.LOOKUP_THREADS)
			.allSatisfy((serviceId, instances) -> assertThat(instances).hasSize(1));
		assertThat(discovery.isBackendAvailable()).isTrue();
	}

	@Test
	void rejectsNonPositiveTimeouts() {
		org.assertj.core.api.Assertions
			.assertThatIllegalArgumentException()
			.isThrownBy(() -> new CachingServiceDiscovery(this.backend, "test", Duration.ofSeconds(1), Duration.ZERO,
					null, this.clock))
			.withMessage("lookupTimeout must be positive but was PT0S");
	}

	private CachingServiceDiscovery discovery(@Nullable Duration maxStale) {
		CachingServiceDiscovery discovery = new CachingServiceDiscovery(this.backend, "test", Duration.ofHours(1),
				LOOKUP_TIMEOUT, maxStale, this.clock);
		this.created.add(discovery);
		return discovery;
	}

	private static List<ServiceInstance> instances(String serviceId, int... ports) {
		List<ServiceInstance> instances = new ArrayList<>();
		for (int port : ports) {
			instances.add(new DefaultServiceInstance(serviceId + "-" + port, serviceId, "127.0.0.1", port, false));
		}
		return instances;
	}

	private static boolean awaitCondition(java.util.function.BooleanSupplier condition) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (System.nanoTime() < deadline) {
			if (condition.getAsBoolean()) {
				return true;
			}
			Thread.onSpinWait();
			Thread.yield();
		}
		return condition.getAsBoolean();
	}

	/**
	 * A discovery backend that answers, fails or hangs as the test says, and counts the lookups it received.
	 */
	private static final class ScriptedBackend implements DiscoveryClient {

		private volatile List<ServiceInstance> answer = List.of();

		private volatile @Nullable RuntimeException failure;

		private volatile CountDownLatch hang = new CountDownLatch(0);

		private final AtomicInteger calls = new AtomicInteger();

		private final AtomicInteger inside = new AtomicInteger();

		void answer(List<ServiceInstance> instances) {
			this.failure = null;
			this.answer = instances;
		}

		void fail(RuntimeException ex) {
			this.failure = ex;
		}

		void hang() {
			this.hang = new CountDownLatch(1);
		}

		void release() {
			this.hang.countDown();
		}

		int calls() {
			return this.calls.get();
		}

		int inside() {
			return this.inside.get();
		}

		boolean awaitCalls(int count) {
			return awaitCondition(() -> this.calls.get() >= count);
		}

		@Override
		public String description() {
			return "scripted";
		}

		@Override
		public List<ServiceInstance> getInstances(String serviceId) {
			this.calls.incrementAndGet();
			this.inside.incrementAndGet();
			try {
				// Like a socket read without timeout: interrupts are ignored.
				boolean released = false;
				while (!released) {
					try {
						this.hang.await();
						released = true;
					}
					catch (InterruptedException ex) {
						// keep hanging
					}
				}
				RuntimeException ex = this.failure;
				if (ex != null) {
					throw ex;
				}
				return this.answer.stream()
					.map((instance) -> (ServiceInstance) new DefaultServiceInstance(instance.getInstanceId(),
							serviceId, instance.getHost(), instance.getPort(), false))
					.toList();
			}
			finally {
				this.inside.decrementAndGet();
			}
		}

		@Override
		public List<String> getServices() {
			return List.of();
		}

	}

}
