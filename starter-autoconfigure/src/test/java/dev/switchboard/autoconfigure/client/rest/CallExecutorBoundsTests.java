package dev.switchboard.autoconfigure.client.rest;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.client.ClientStatistics;
import dev.switchboard.autoconfigure.client.ServiceClientAutoConfiguration;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The call executor that runs hedged attempts and time-limited calls is bounded, never queues, and no wait on it
 * is endless: a hedge is skipped when every thread is busy, a time-limited call is refused, an {@link Error} in an
 * attempt ends the hedge race, and an attempt that outlasts its timeouts is abandoned at the race's deadline.
 *
 * @author Switchboard
 */
class CallExecutorBoundsTests {

	private static final int MAX_THREADS = 4;

	/** Ports whose attempts fail with an {@link InjectedError} before any byte is sent. */
	private static final Set<Integer> failingPorts = ConcurrentHashMap.newKeySet();

	/** Ports whose attempts hang, deaf to interrupts, until {@link #stuckGate} opens. */
	private static final Set<Integer> stuckPorts = ConcurrentHashMap.newKeySet();

	private static final AtomicInteger stuckAttempts = new AtomicInteger();

	private static volatile CountDownLatch stuckGate = new CountDownLatch(1);

	private static TestHttpServer fast;

	private static TestHttpServer other;

	private static TestHttpServer slow;

	private static TestHttpServer slowToo;

	private static TestHttpServer held;

	private static TestHttpServer failing;

	private static TestHttpServer failingToo;

	private static TestHttpServer stuck;

	private static TestHttpServer stuckToo;

	private static ConfigurableApplicationContext context;

	private final List<CountDownLatch> blockers = new ArrayList<>();

	@BeforeAll
	static void start() throws IOException {
		fast = new TestHttpServer("fast");
		other = new TestHttpServer("other");
		slow = new TestHttpServer("slow").delay(300);
		slowToo = new TestHttpServer("slow-too").delay(300);
		held = new TestHttpServer("held").hold();
		failing = new TestHttpServer("failing");
		failingToo = new TestHttpServer("failing-too");
		stuck = new TestHttpServer("stuck");
		stuckToo = new TestHttpServer("stuck-too");
		failingPorts.addAll(List.of(failing.port(), failingToo.port()));
		stuckPorts.addAll(List.of(stuck.port(), stuckToo.port()));
		List<String> properties = new ArrayList<>(List.of("switchboard.call-executor.max-threads=" + MAX_THREADS,
				"switchboard.client-defaults.load-balancer=round-robin",
				"switchboard.client-defaults.outlier.enabled=false",
				"switchboard.client-defaults.hedge.enabled=true", "switchboard.client-defaults.hedge.delay=50ms",
				"switchboard.client-defaults.timeout.connect=100ms", "switchboard.client-defaults.timeout.read=2s",
				"switchboard.clients.stuck.timeout.read=200ms", "switchboard.clients.time-limited.hedge.enabled=false",
				"switchboard.clients.time-limited.service-id=fast",
				"switchboard.clients.time-limited.resilience.time-limiter=true",
				"resilience4j.timelimiter.instances.time-limited.timeout-duration=2s"));
		services(properties, "fast", fast.url(), other.url());
		services(properties, "slow", slow.url(), slowToo.url());
		services(properties, "failing", failing.url(), failingToo.url());
		services(properties, "failing-hedge", held.url(), failing.url());
		services(properties, "stuck", stuck.url(), stuckToo.url());
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	private static void services(List<String> properties, String serviceId, String... urls) {
		for (int i = 0; i < urls.length; i++) {
			properties.add("switchboard.discovery.static.services." + serviceId + "[" + i + "]=" + urls[i]);
		}
	}

	@AfterAll
	static void stop() {
		stuckGate.countDown();
		if (context != null) {
			context.close();
		}
		for (TestHttpServer server : List.of(fast, other, slow, slowToo, held, failing, failingToo, stuck, stuckToo)) {
			server.close();
		}
	}

	@AfterEach
	void releaseExecutor() {
		this.blockers.forEach(CountDownLatch::countDown);
		await().atMost(Duration.ofSeconds(5)).until(() -> executor().getActiveCount() == 0);
	}

	@Test
	void executorRefusesWorkBeyondItsBoundInsteadOfQueueing() {
		occupyThreads(MAX_THREADS);
		assertThat(executor().getMaximumPoolSize()).isEqualTo(MAX_THREADS);
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> executor().execute(() -> {
		}));
		assertThat(executor().getQueue()).isEmpty();
	}

	@Test
	void hedgedCallRunsWithoutItsHedgeOnTheCallersThreadWhenEveryThreadIsBusy() {
		occupyThreads(MAX_THREADS);
		ClientStatistics statistics = statistics("fast");
		long skipped = statistics.getHedgesSkipped();
		long hedges = statistics.getHedges();
		assertThat(context.getBean(FastClient.class).item("sku").instance()).isIn("fast", "other");
		assertThat(statistics.getHedgesSkipped() - skipped).isEqualTo(1);
		assertThat(statistics.getHedges()).isEqualTo(hedges);
	}

	@Test
	void hedgeIsSkippedAndTheFirstAttemptAwaitedWhenNoThreadIsFreeForIt() {
		occupyThreads(MAX_THREADS - 1);
		ClientStatistics statistics = statistics("slow");
		long skipped = statistics.getHedgesSkipped();
		long hedges = statistics.getHedges();
		int requests = slow.requests() + slowToo.requests();
		// Both instances answer after 300 ms: the 50 ms hedge is due, but the first attempt holds the last thread.
		assertThat(context.getBean(SlowClient.class).item("sku").instance()).isIn("slow", "slow-too");
		assertThat(statistics.getHedgesSkipped() - skipped).isEqualTo(1);
		assertThat(statistics.getHedges()).isEqualTo(hedges);
		assertThat(slow.requests() + slowToo.requests() - requests).isEqualTo(1);
	}

	@Test
	void timeLimitedCallIsRefusedAtOnceWhenEveryThreadIsBusy() {
		occupyThreads(MAX_THREADS);
		int requests = fast.requests();
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> context.getBean(TimeLimitedClient.class).item("sku"))
			.withMessageContaining("every thread of the call executor is busy")
			.withMessageContaining("switchboard.call-executor.max-threads");
		assertThat(fast.requests()).isEqualTo(requests);
	}

	@Test
	void errorInTheFirstAttemptEndsTheHedgeRaceAndReachesTheCaller() {
		FailingClient client = context.getBean(FailingClient.class);
		CompletableFuture<FailingClient.Item> call = CompletableFuture.supplyAsync(() -> client.item("sku"));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> call.get(5, TimeUnit.SECONDS))
			.withCauseInstanceOf(InjectedError.class);
		assertThat(failing.requests() + failingToo.requests()).isZero();
	}

	@Test
	void errorInAHedgeEndsTheRaceWithoutWaitingForTheOtherAttempt() {
		FailingHedgeClient client = context.getBean(FailingHedgeClient.class);
		int heldRequests = held.requests();
		for (String sku : List.of("a", "b", "c")) {
			CompletableFuture<FailingClient.Item> call = CompletableFuture.supplyAsync(() -> client.item(sku));
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> call.get(5, TimeUnit.SECONDS))
				.withCauseInstanceOf(InjectedError.class);
		}
		// The held instance received first attempts and has not answered any: the calls ended with the error of
		// the hedge, not with the held attempt.
		assertThat(held.requests() - heldRequests).isPositive();
		held.release();
	}

	@Test
	void hedgeRaceGivesUpAtItsDeadlineWhenAttemptsOutlastTheirTimeouts() throws Exception {
		StuckClient client = context.getBean(StuckClient.class);
		stuckAttempts.set(0);
		CompletableFuture<StuckClient.Item> call = CompletableFuture.supplyAsync(() -> client.item("sku"));
		// The fault: the first attempt and its hedge are both stuck inside the transport.
		await().atMost(Duration.ofSeconds(5)).until(() -> stuckAttempts.get() == 2);
		// Connect 100 ms + read 200 ms + 250 ms margin: the call ends long before the stuck attempts do.
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> call.get(1550, TimeUnit.MILLISECONDS))
			.havingCause()
			.isInstanceOf(ServiceCallTimeoutException.class)
			.withMessageContaining("no hedged attempt answered within 550ms");
		assertThat(stuckGate.getCount()).isOne();
		stuckGate.countDown();
		stuckGate = new CountDownLatch(1);
	}

	private void occupyThreads(int count) {
		CountDownLatch blocker = new CountDownLatch(1);
		this.blockers.add(blocker);
		for (int i = 0; i < count; i++) {
			executor().execute(() -> {
				try {
					blocker.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> executor().getActiveCount() == count);
	}

	private static ThreadPoolExecutor executor() {
		return context.getBean(ServiceClientAutoConfiguration.HEDGE_EXECUTOR_BEAN_NAME, ThreadPoolExecutor.class);
	}

	private static ClientStatistics statistics(String client) {
		return context.getBean(ServiceClientRuntimes.class).asMap().get(client).getStatistics();
	}

	/** An error no handler in the call path may swallow. */
	static final class InjectedError extends Error {

		private static final long serialVersionUID = 1L;

		InjectedError() {
			super("injected");
		}

	}

	/** HttpURLConnection, except that attempts to some ports fail with an error or hang, ignoring interrupts. */
	static ClientHttpRequestFactory faultyTransport(ClientHttpRequestFactory transport) {
		return (uri, method) -> {
			if (failingPorts.contains(uri.getPort())) {
				throw new InjectedError();
			}
			if (stuckPorts.contains(uri.getPort())) {
				stuckAttempts.incrementAndGet();
				CountDownLatch gate = stuckGate;
				boolean interrupted = false;
				while (true) {
					try {
						gate.await(10, TimeUnit.SECONDS);
						break;
					}
					catch (InterruptedException ex) {
						interrupted = true;
					}
				}
				if (interrupted) {
					Thread.currentThread().interrupt();
				}
			}
			return transport.createRequest(uri, method);
		};
	}

	@ServiceClient("fast")
	@HttpExchange("/items")
	interface FastClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

		record Item(String sku, String instance) {
		}

	}

	@ServiceClient("slow")
	@HttpExchange("/items")
	interface SlowClient {

		@GetExchange("/{sku}")
		FastClient.Item item(@PathVariable String sku);

	}

	@ServiceClient("failing")
	@HttpExchange("/items")
	interface FailingClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

		record Item(String sku, String instance) {
		}

	}

	@ServiceClient("failing-hedge")
	@HttpExchange("/items")
	interface FailingHedgeClient {

		@GetExchange("/{sku}")
		FailingClient.Item item(@PathVariable String sku);

	}

	@ServiceClient("stuck")
	@HttpExchange("/items")
	interface StuckClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

		record Item(String sku, String instance) {
		}

	}

	@ServiceClient("time-limited")
	@HttpExchange("/items")
	interface TimeLimitedClient {

		@GetExchange("/{sku}")
		FastClient.Item item(@PathVariable String sku);

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		ClientHttpRequestFactoryBuilder<ClientHttpRequestFactory> faultyRequestFactoryBuilder() {
			return (settings) -> faultyTransport(ClientHttpRequestFactoryBuilder.simple().build(settings));
		}

	}

}
