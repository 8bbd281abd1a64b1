package dev.switchboard.autoconfigure.client.rest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Resilience4j policies and fallbacks around {@code @ServiceClient} calls, configured through Resilience4j's own
 * {@code resilience4j.*} properties, against real HTTP servers on loopback.
 *
 * @author Switchboard
 */
class ServiceClientGuardTests {

	private static TestHttpServer healthy;

	private static TestHttpServer broken;

	private static TestHttpServer slow;

	private static TestHttpServer bulkheadServer;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() throws IOException {
		healthy = new TestHttpServer("healthy");
		broken = new TestHttpServer("broken").status(500);
		slow = new TestHttpServer("slow").delay(600);
		// The bulkhead's own server, so no other test's requests reach it.
		bulkheadServer = new TestHttpServer("held").hold();
		int deadPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			deadPort = socket.getLocalPort();
		}
		List<String> properties = new ArrayList<>(List.of("switchboard.client-defaults.retry.max-attempts=1",
				"switchboard.discovery.static.services.down[0]=http://127.0.0.1:" + deadPort,
				"switchboard.discovery.static.services.healthy[0]=" + healthy.url(),
				"switchboard.discovery.static.services.broken[0]=" + broken.url(),
				"switchboard.discovery.static.services.slow[0]=" + slow.url(),
				"switchboard.discovery.static.services.held[0]=" + bulkheadServer.url(),
				"switchboard.clients.fallingback.service-id=down", "switchboard.clients.fallingback-healthy.service-id=healthy",
				"switchboard.clients.breaking.service-id=broken",
				"resilience4j.circuitbreaker.instances.breaking.sliding-window-size=4",
				"resilience4j.circuitbreaker.instances.breaking.minimum-number-of-calls=4",
				"resilience4j.circuitbreaker.instances.breaking.failure-rate-threshold=50",
				"resilience4j.circuitbreaker.instances.breaking.wait-duration-in-open-state=1m",
				"switchboard.clients.bulkheaded.service-id=held", "switchboard.clients.bulkheaded.resilience.bulkhead=true",
				"resilience4j.bulkhead.instances.bulkheaded.max-concurrent-calls=1",
				"resilience4j.bulkhead.instances.bulkheaded.max-wait-duration=0",
				"switchboard.clients.limited.service-id=healthy", "switchboard.clients.limited.resilience.rate-limiter=true",
				"resilience4j.ratelimiter.instances.limited.limit-for-period=2",
				"resilience4j.ratelimiter.instances.limited.limit-refresh-period=1h",
				"resilience4j.ratelimiter.instances.limited.timeout-duration=0",
				"switchboard.clients.time-limited.service-id=slow",
				"switchboard.clients.time-limited.resilience.time-limiter=true",
				"resilience4j.timelimiter.instances.time-limited.timeout-duration=100ms"));
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		healthy.close();
		broken.close();
		slow.close();
		bulkheadServer.close();
	}

	@Test
	void fallbackAnswersWhenNoInstanceCanBeReached() {
		FallingBackClient client = context.getBean(FallingBackClient.class);
		assertThat(client.item("sku-1").instance()).isEqualTo("fallback");
	}

	@Test
	void fallbackDoesNotAnswerClientErrors() {
		HealthyFallingBackClient client = context.getBean(HealthyFallingBackClient.class);
		assertThat(client.item("sku-1").instance()).isEqualTo("healthy");
		assertThatExceptionOfType(HttpClientErrorException.NotFound.class).isThrownBy(() -> client.item("missing"));
	}

	@Test
	void circuitBreakerOpensAfterFailuresAndStopsCallingTheService() {
		BreakingClient client = context.getBean(BreakingClient.class);
		for (int i = 0; i < 4; i++) {
			assertThatExceptionOfType(HttpServerErrorException.InternalServerError.class)
				.isThrownBy(() -> client.item("sku"));
		}
		CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("breaking");
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		int requests = broken.requests();
		assertThatExceptionOfType(CallNotPermittedException.class).isThrownBy(() -> client.item("sku"));
		assertThat(broken.requests()).isEqualTo(requests);
	}

	@Test
	void clientErrorsDoNotOpenTheCircuitBreaker() {
		HealthyFallingBackClient client = context.getBean(HealthyFallingBackClient.class);
		for (int i = 0; i < 120; i++) {
			assertThatExceptionOfType(HttpClientErrorException.NotFound.class).isThrownBy(() -> client.item("missing"));
		}
		CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("fallingback-healthy");
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void bulkheadRefusesCallsBeyondItsLimit() {
		BulkheadedClient client = context.getBean(BulkheadedClient.class);
		Bulkhead bulkhead = context.getBean(BulkheadRegistry.class).bulkhead("bulkheaded");
		CompletableFuture<Item> first = CompletableFuture.supplyAsync(() -> client.item("first"));
		// The first call holds the only permit: its request reached the server, which does not answer yet.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> bulkheadServer.requests() == 1 && bulkhead.getMetrics().getAvailableConcurrentCalls() == 0);
		assertThatExceptionOfType(BulkheadFullException.class).isThrownBy(() -> client.item("second"));
		assertThat(bulkheadServer.requests()).isEqualTo(1);
		bulkheadServer.release();
		assertThat(first.join().instance()).isEqualTo("held");
		await().atMost(Duration.ofSeconds(5)).until(() -> bulkhead.getMetrics().getAvailableConcurrentCalls() == 1);
	}

	@Test
	void rateLimiterRefusesCallsBeyondItsLimit() {
		LimitedClient client = context.getBean(LimitedClient.class);
		client.item("1");
		client.item("2");
		assertThatExceptionOfType(RequestNotPermitted.class).isThrownBy(() -> client.item("3"));
	}

	@Test
	void timeLimiterBoundsTheWholeCall() {
		TimeLimitedClient client = context.getBean(TimeLimitedClient.class);
		assertThatExceptionOfType(ServiceCallTimeoutException.class).isThrownBy(() -> client.item("sku"))
			.withMessage("Call of item on client 'time-limited' did not complete within its time limiter's 100ms")
			.withCauseInstanceOf(java.io.InterruptedIOException.class);
	}

	record Item(String sku, String instance) {
	}

	@ServiceClient(name = "fallingback", fallback = InventoryFallback.class)
	@HttpExchange("/items")
	interface FallingBackClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	@ServiceClient(name = "fallingback-healthy", fallback = HealthyFallback.class)
	@HttpExchange("/items")
	interface HealthyFallingBackClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	@ServiceClient("breaking")
	@HttpExchange("/items")
	interface BreakingClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	@ServiceClient("bulkheaded")
	@HttpExchange("/items")
	interface BulkheadedClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	@ServiceClient("limited")
	@HttpExchange("/items")
	interface LimitedClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	@ServiceClient("time-limited")
	@HttpExchange("/items")
	interface TimeLimitedClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	static class InventoryFallback implements FallingBackClient {

		@Override
		public Item item(String sku) {
			return new Item(sku, "fallback");
		}

	}

	static class HealthyFallback implements HealthyFallingBackClient {

		@Override
		public Item item(String sku) {
			return new Item(sku, "fallback");
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		InventoryFallback inventoryFallback() {
			return new InventoryFallback();
		}

		@Bean
		HealthyFallback healthyFallback() {
			return new HealthyFallback();
		}

	}

}
