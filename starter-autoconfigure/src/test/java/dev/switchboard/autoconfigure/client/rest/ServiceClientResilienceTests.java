package dev.switchboard.autoconfigure.client.rest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.client.ServiceClientRuntime;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.core.annotation.CallTimeout;
import dev.switchboard.core.annotation.Idempotent;
import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Retries, retry budget, outlier ejection, hedging and per-method timeouts of {@code @ServiceClient} calls,
 * against real HTTP servers on loopback and a port where nothing listens.
 *
 * @author Switchboard
 */
class ServiceClientResilienceTests {

	private static TestHttpServer healthy;

	private static TestHttpServer other;

	private static TestHttpServer unavailable;

	private static TestHttpServer broken;

	private static TestHttpServer slow;

	private static ResettingServer resetting;

	private static int deadPort;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() throws IOException {
		healthy = new TestHttpServer("healthy");
		other = new TestHttpServer("other");
		unavailable = new TestHttpServer("unavailable").status(503);
		broken = new TestHttpServer("broken").status(500);
		slow = new TestHttpServer("slow").delay(1500);
		resetting = new ResettingServer();
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			deadPort = socket.getLocalPort();
		}
		String dead = "http://127.0.0.1:" + deadPort;
		List<String> properties = new ArrayList<>(List.of("switchboard.client-defaults.load-balancer=round-robin",
				"switchboard.client-defaults.timeout.read=3s", "switchboard.client-defaults.retry.backoff=5ms",
				"switchboard.client-defaults.outlier.enabled=false"));
		services(properties, "with-dead", dead, healthy.url(), other.url());
		services(properties, "with-unavailable", unavailable.url(), healthy.url());
		services(properties, "with-broken", broken.url(), healthy.url());
		services(properties, "with-slow", slow.url(), healthy.url());
		services(properties, "refused-then-live", dead, healthy.url());
		services(properties, "with-reset", resetting.url(), healthy.url());
		properties.addAll(List.of("switchboard.clients.retrying.service-id=with-dead",
				"switchboard.clients.unbudgeted.service-id=with-dead",
				"switchboard.clients.unbudgeted.retry.budget.percent=0",
				"switchboard.clients.unbudgeted.retry.budget.min-per-second=0",
				"switchboard.clients.ejecting.service-id=with-dead", "switchboard.clients.ejecting.outlier.enabled=true",
				"switchboard.clients.ejecting.outlier.consecutive-failures=2",
				"switchboard.clients.statuses.service-id=with-unavailable",
				"switchboard.clients.errors.service-id=with-broken", "switchboard.clients.hedging.service-id=with-slow",
				"switchboard.clients.hedging.hedge.enabled=true", "switchboard.clients.hedging.hedge.delay=50ms",
				"switchboard.clients.timed.service-id=with-slow", "switchboard.clients.timed.retry.max-attempts=1",
				"switchboard.clients.timed.methods.configured.timeout=150ms",
				"switchboard.clients.refused-post.service-id=refused-then-live",
				"switchboard.clients.resetting.service-id=with-reset"));
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
	static void stop() throws IOException {
		if (context != null) {
			context.close();
		}
		for (TestHttpServer server : List.of(healthy, other, unavailable, broken, slow)) {
			server.close();
		}
		resetting.close();
	}

	@Test
	void idempotentCallsToADeadInstanceAreRetriedOnAnotherInstance() {
		RetryingClient client = context.getBean(RetryingClient.class);
		long calls = statistics("retrying").getCalls();
		long attempts = statistics("retrying").getAttempts();
		long retries = statistics("retrying").getRetries();
		for (int i = 0; i < 9; i++) {
			assertThat(client.item("sku-" + i).instance()).isIn("healthy", "other");
		}
		// Round-robin sends some first attempts to the dead instance; each of those was retried once.
		long retried = statistics("retrying").getRetries() - retries;
		assertThat(retried).isPositive();
		assertThat(statistics("retrying").getAttempts() - attempts)
			.isEqualTo(statistics("retrying").getCalls() - calls + retried);
	}

	@Test
	void postThatNeverLeftIsRetriedOnALiveInstance() {
		RefusedPostClient client = context.getBean(RefusedPostClient.class);
		long retries = statistics("refused-post").getRetries();
		long attempts = statistics("refused-post").getAttempts();
		// Round-robin over a refused port and a live instance: at least one of two calls goes to the refused port
		// first (the retry advances the rotation too, so both may).
		assertThat(client.create("sku-1").instance()).isEqualTo("healthy");
		assertThat(client.create("sku-2").instance()).isEqualTo("healthy");
		long retried = statistics("refused-post").getRetries() - retries;
		assertThat(retried).isBetween(1L, 2L);
		// One retry for each call that was refused, no more.
		assertThat(statistics("refused-post").getAttempts() - attempts).isEqualTo(2 + retried);
	}

	@Test
	void postThatReachedTheServerAndFailedIsNotRetried() {
		ResettingClient client = context.getBean(ResettingClient.class);
		long retries = statistics("resetting").getRetries();
		int readBefore = resetting.requestsRead();
		int healthyBefore = healthy.requests();
		List<String> outcomes = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			try {
				outcomes.add(client.create("sku-" + i, "{\"quantity\":1}").instance());
			}
			catch (ResourceAccessException ex) {
				assertThat(ex).hasMessageContaining("I/O error on POST /items/sku-");
				outcomes.add("failed");
			}
		}
		// The fault happened: the resetting server read one whole request and reset the connection.
		assertThat(resetting.requestsRead() - readBefore).isOne();
		// The outcome: that call failed and was not sent again, the other reached the live instance.
		assertThat(outcomes).containsExactlyInAnyOrder("failed", "healthy");
		assertThat(healthy.requests() - healthyBefore).isOne();
		assertThat(statistics("resetting").getRetries() - retries).isZero();
	}

	@Test
	void nonIdempotentCallsAreRetriedOnlyWhileTheirRequestNeverLeft() {
		RetryingClient client = context.getBean(RetryingClient.class);
		for (int i = 0; i < 6; i++) {
			// Round-robin over three instances, one dead: the POSTs sent to it first never left, so go elsewhere.
			assertThat(client.create("sku-" + i).instance()).isIn("healthy", "other");
		}
	}

	@Test
	void postsMarkedIdempotentAreRetried() {
		RetryingClient client = context.getBean(RetryingClient.class);
		for (int i = 0; i < 6; i++) {
			assertThat(client.upsert("sku-" + i).instance()).isIn("healthy", "other");
		}
	}

	@Test
	void clientErrorsAreNeverRetried() {
		RetryingClient client = context.getBean(RetryingClient.class);
		int before = healthy.requests() + other.requests();
		for (int i = 0; i < 3; i++) {
			try {
				client.item("missing");
			}
			catch (HttpClientErrorException.NotFound ex) {
				// expected from the live instances
			}
			catch (ResourceAccessException ex) {
				// the dead instance: retried once, on a live instance that answers 404
			}
		}
		// Each call reached exactly one live instance: a 404 is not tried again elsewhere.
		assertThat(healthy.requests() + other.requests() - before).isEqualTo(3);
	}

	@Test
	void exhaustedRetryBudgetStopsRetries() {
		UnbudgetedClient client = context.getBean(UnbudgetedClient.class);
		int failures = 0;
		for (int i = 0; i < 6; i++) {
			try {
				client.item("sku-" + i);
			}
			catch (ResourceAccessException ex) {
				failures++;
			}
		}
		assertThat(failures).isEqualTo(2);
		assertThat(statistics("unbudgeted").getRetries()).isZero();
		assertThat(statistics("unbudgeted").getBudgetRefusals()).isEqualTo(2);
	}

	@Test
	void retryableStatusesAreRetriedElsewhereAndOthersAreNot() {
		StatusesClient statuses = context.getBean(StatusesClient.class);
		long retries = statistics("statuses").getRetries();
		int unavailableBefore = unavailable.requests();
		for (int i = 0; i < 4; i++) {
			assertThat(statuses.item("sku-" + i).instance()).isEqualTo("healthy");
		}
		assertThat(unavailable.requests() - unavailableBefore).isPositive()
			.isEqualTo(statistics("statuses").getRetries() - retries);
		ErrorsClient errors = context.getBean(ErrorsClient.class);
		int brokenBefore = broken.requests();
		int serverErrors = 0;
		for (int i = 0; i < 4; i++) {
			try {
				errors.item("sku-" + i);
			}
			catch (HttpServerErrorException.InternalServerError ex) {
				serverErrors++;
			}
		}
		// A 500 is not in the retried statuses: it reaches the caller.
		assertThat(serverErrors).isPositive().isEqualTo(broken.requests() - brokenBefore);
		assertThat(statistics("errors").getRetries()).isZero();
	}

	@Test
	void failingInstanceIsEjectedAndNoLongerCalled() {
		EjectingClient client = context.getBean(EjectingClient.class);
		ServiceClientRuntime runtime = context.getBean(ServiceClientRuntimes.class).asMap().get("ejecting");
		for (int i = 0; i < 12; i++) {
			assertThat(client.item("sku-" + i).instance()).isIn("healthy", "other");
		}
		assertThat(runtime.getOutlierDetector().isEjected(new DefaultServiceInstance("x", "with-dead", "127.0.0.1",
				deadPort, false))).isTrue();
		long attempts = runtime.getStatistics().getAttempts();
		for (int i = 0; i < 12; i++) {
			client.item("sku-" + i);
		}
		assertThat(runtime.getStatistics().getAttempts() - attempts).isEqualTo(12);
	}

	@Test
	void slowAttemptIsHedgedOnAnotherInstanceAndTheLoserCancelled() {
		HedgingClient client = context.getBean(HedgingClient.class);
		int slowBefore = slow.requests();
		// Round-robin sends first attempts to the slow instance too; each is hedged on the fast one, which wins.
		List<String> answers = List.of(client.item("a").instance(), client.item("b").instance(),
				client.item("c").instance());
		assertThat(answers).containsOnly("healthy");
		int slowAttempts = slow.requests() - slowBefore;
		assertThat(slowAttempts).isPositive();
		assertThat(statistics("hedging").getHedges()).isEqualTo(slowAttempts);
		await().atMost(Duration.ofSeconds(5)).until(() -> statistics("hedging").getCancelled() == slowAttempts);
	}

	@Test
	void methodTimeoutsFromAnnotationAndConfigurationReplaceTheClients() {
		TimedClient client = context.getBean(TimedClient.class);
		assertThatExceptionOfType(ServiceCallTimeoutException.class).isThrownBy(() -> {
			client.annotated("a");
			client.annotated("b");
		}).withMessageContaining("read timeout of 100ms");
		assertThatExceptionOfType(ServiceCallTimeoutException.class).isThrownBy(() -> {
			client.configured("a");
			client.configured("b");
		}).withMessageContaining("read timeout of 150ms");
	}

	private static dev.switchboard.autoconfigure.client.ClientStatistics statistics(String client) {
		return context.getBean(ServiceClientRuntimes.class).asMap().get(client).getStatistics();
	}

	record Item(String sku, String instance) {
	}

	@ServiceClient("retrying")
	@HttpExchange("/items")
	interface RetryingClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

		@PostExchange("/{sku}")
		Item create(@PathVariable String sku);

		@Idempotent
		@PostExchange("/{sku}")
		Item upsert(@PathVariable String sku);

	}

	@ServiceClient("refused-post")
	@HttpExchange("/items")
	interface RefusedPostClient {

		@PostExchange("/{sku}")
		Item create(@PathVariable String sku);

	}

	@ServiceClient("resetting")
	@HttpExchange("/items")
	interface ResettingClient {

		@PostExchange("/{sku}")
		Item create(@PathVariable String sku, @RequestBody String body);

	}

	@ServiceClient("unbudgeted")
	@HttpExchange("/items")
	interface UnbudgetedClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	@ServiceClient("ejecting")
	@HttpExchange("/items")
	interface EjectingClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	@ServiceClient("statuses")
	@HttpExchange("/items")
	interface StatusesClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	@ServiceClient("errors")
	@HttpExchange("/items")
	interface ErrorsClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	@ServiceClient("hedging")
	@HttpExchange("/items")
	interface HedgingClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	@ServiceClient("timed")
	@HttpExchange("/items")
	interface TimedClient {

		@CallTimeout("100ms")
		@GetExchange("/{sku}")
		Item annotated(@PathVariable String sku);

		@GetExchange("/{sku}")
		Item configured(@PathVariable String sku);

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
