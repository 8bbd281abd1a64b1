package dev.switchboard.test.fault.calls;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.client.ClientStatistics;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.core.annotation.ServiceClient;
import dev.switchboard.test.fault.UnansweredPort;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An instance whose port never answers a SYN ({@link UnansweredPort}): the attempt ends at the connect timeout,
 * far below the read timeout, and idempotent calls go on to a healthy instance.
 *
 * @author Switchboard
 */
class UnansweredConnectTests {

	private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(250);

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

	private static NamedHttpServer healthy;

	private static UnansweredPort unanswered;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() {
		healthy = new NamedHttpServer("healthy");
		unanswered = UnansweredPort.open();
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			// Not this module's application.yml, which describes a deployed service with brokers.
			.properties("spring.config.name=fault-calls",
					"switchboard.discovery.static.services.catalog[0]=http://" + unanswered.getAddress(),
					"switchboard.discovery.static.services.catalog[1]=" + healthy.url(),
					"switchboard.discovery.static.services.unreachable[0]=http://" + unanswered.getAddress(),
					"switchboard.client-defaults.load-balancer=round-robin",
					"switchboard.client-defaults.outlier.enabled=false",
					"switchboard.client-defaults.timeout.connect=" + CONNECT_TIMEOUT.toMillis() + "ms",
					"switchboard.client-defaults.timeout.read=" + READ_TIMEOUT.toSeconds() + "s",
					"switchboard.client-defaults.retry.backoff=5ms",
					"switchboard.clients.unreachable.retry.max-attempts=1")
			.run();
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		unanswered.close();
		healthy.close();
	}

	@Test
	void unansweredConnectEndsAtTheConnectTimeoutAndTheCallGoesToAnotherInstance() {
		// The fault: a connection attempt to the port is neither accepted nor refused.
		assertThat(unanswered.probe(Duration.ofMillis(100))).isTrue();
		CatalogClient client = context.getBean(CatalogClient.class);
		ClientStatistics statistics = context.getBean(ServiceClientRuntimes.class).asMap().get("catalog").getStatistics();
		long retries = statistics.getRetries();
		List<String> answers = new ArrayList<>();
		long slowest = 0;
		for (int i = 0; i < 4; i++) {
			long start = System.nanoTime();
			answers.add(client.item("sku-" + i).instance());
			slowest = Math.max(slowest, System.nanoTime() - start);
		}
		assertThat(answers).containsOnly("healthy");
		// Round-robin sent first attempts to the unanswered port; each was retried elsewhere.
		assertThat(statistics.getRetries() - retries).isPositive();
		assertThat(Duration.ofNanos(slowest)).isGreaterThanOrEqualTo(CONNECT_TIMEOUT)
			.isLessThan(CONNECT_TIMEOUT.plusSeconds(1));
	}

	@Test
	void callToAnUnansweredInstanceFailsAsAConnectFailureAtTheConnectTimeout() {
		assertThat(unanswered.probe(Duration.ofMillis(100))).isTrue();
		UnreachableClient client = context.getBean(UnreachableClient.class);
		long start = System.nanoTime();
		assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> client.create("sku"))
			.withMessageStartingWith("Could not connect for POST /items/sku to service 'unreachable' at "
					+ unanswered.getAddress());
		Duration waited = Duration.ofNanos(System.nanoTime() - start);
		assertThat(waited).isGreaterThanOrEqualTo(CONNECT_TIMEOUT).isLessThan(CONNECT_TIMEOUT.plusSeconds(1));
	}

	@ServiceClient("catalog")
	@HttpExchange("/items")
	interface CatalogClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	@ServiceClient("unreachable")
	@HttpExchange("/items")
	interface UnreachableClient {

		@PostExchange("/{sku}")
		Item create(@PathVariable String sku);

	}

	record Item(String sku, String instance) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
