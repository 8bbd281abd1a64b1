package dev.switchboard.autoconfigure.metrics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.client.ClientStatistics;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The call policy's meters at {@code /actuator/metrics} and {@code /actuator/prometheus}, with
 * {@code micrometer-registry-prometheus} on the class path as a user would add it, after calls to a service
 * with one refused instance and one live one (the application itself).
 *
 * @author Switchboard
 */
class ServiceClientMetricsTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static ConfigurableApplicationContext context;

	private static int port;

	private static int deadPort;

	@BeforeAll
	static void start() throws IOException {
		port = freePort();
		deadPort = freePort();
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.SERVLET)
			.properties("server.port=" + port, "server.address=127.0.0.1",
					"management.endpoints.web.exposure.include=metrics,prometheus,switchboard",
					"switchboard.discovery.static.services.items[0]=http://127.0.0.1:" + deadPort,
					"switchboard.discovery.static.services.items[1]=http://127.0.0.1:" + port,
					"switchboard.clients.items.load-balancer=round-robin", "switchboard.clients.items.retry.backoff=5ms",
					"switchboard.clients.items.outlier.consecutive-failures=1",
					"switchboard.clients.scored.service-id=items", "switchboard.clients.scored.outlier.enabled=false")
			.run();
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void attemptsRetriesAndEjectionsAreMetersInMicrometerAndPrometheus() throws Exception {
		ItemsClient client = context.getBean(ItemsClient.class);
		for (int i = 0; i < 4; i++) {
			assertThat(client.item("sku-" + i)).isEqualTo("item sku-" + i);
		}
		ClientStatistics statistics = context.getBean(ServiceClientRuntimes.class).asMap().get("items").getStatistics();
		String dead = "127.0.0.1:" + deadPort;
		// The fault happened: the refused instance was tried, failed to connect and was ejected.
		assertThat(statistics.getAttempts(new ClientStatistics.InstanceOutcome(dead,
				dev.switchboard.core.balancer.CallOutcome.CONNECT_FAILURE))).isOne();
		assertThat(statistics.getEjections(dead)).isOne();
		assertThat(statistics.getRetries()).isOne();

		String metric = get("/actuator/metrics/switchboard.call.attempts?tag=client:items&tag=outcome:CONNECT_FAILURE");
		assertThat(metric).contains("\"statistic\":\"COUNT\",\"value\":1.0").contains(dead);
		assertThat(get("/actuator/metrics/switchboard.call.retries?tag=client:items")).contains("\"value\":1.0");

		String prometheus = get("/actuator/prometheus");
		assertThat(sample(prometheus, "switchboard_call_attempts_total", "client=\"items\",instance=\"" + dead
				+ "\",outcome=\"CONNECT_FAILURE\"")).isEqualTo(1.0);
		assertThat(sample(prometheus, "switchboard_call_attempts_total", "client=\"items\",instance=\"127.0.0.1:"
				+ port + "\",outcome=\"SUCCESS\"")).isEqualTo(4.0);
		assertThat(sample(prometheus, "switchboard_call_requests_total", "client=\"items\"")).isEqualTo(4.0);
		assertThat(sample(prometheus, "switchboard_call_retries_total", "client=\"items\"")).isEqualTo(1.0);
		assertThat(sample(prometheus, "switchboard_call_ejections_total", "client=\"items\",instance=\"" + dead
				+ "\"")).isEqualTo(1.0);
		assertThat(sample(prometheus, "switchboard_call_instance_ejected", "client=\"items\",instance=\"" + dead
				+ "\"")).isEqualTo(1.0);
		assertThat(prometheus).contains("switchboard_call_budget_refusals_total{client=\"items\"}")
			.contains("switchboard_call_hedges_total{client=\"items\",outcome=\"sent\"}")
			.contains("switchboard_call_budget_balance{client=\"items\"}");

		// The actuator endpoint reads the same counters.
		assertThat(get("/actuator/switchboard")).contains("\"retries\":1");

		// Every series the Grafana dashboard queries exists under that name (the p2c-ewma gauges too).
		context.getBean(ScoredClient.class).item("sku");
		prometheus = get("/actuator/prometheus");
		String dashboard = Files.readString(Path.of("../docs/grafana/switchboard-calls.json"));
		Matcher names = Pattern.compile("switchboard_call_[a-z_]+").matcher(dashboard);
		int queried = 0;
		while (names.find()) {
			queried++;
			assertThat(prometheus).as("dashboard series %s", names.group()).contains(names.group() + "{");
		}
		assertThat(queried).isGreaterThan(10);
	}

	private static double sample(String scrape, String name, String labels) {
		Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels) + "[^}]*} (\\S+)$")
			.matcher(scrape);
		assertThat(matcher.find()).as("%s{%s} in%n%s", name, labels, scrape).isTrue();
		return Double.parseDouble(matcher.group(1));
	}

	private static String get(String path) throws Exception {
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
		return response.body();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	@ServiceClient("items")
	@HttpExchange("/items")
	interface ItemsClient {

		@GetExchange("/{sku}")
		String item(@PathVariable String sku);

	}

	@ServiceClient("scored")
	@HttpExchange("/items")
	interface ScoredClient {

		@GetExchange("/{sku}")
		String item(@PathVariable String sku);

	}

	@RestController
	static class ItemsController {

		@GetMapping("/items/{sku}")
		String item(@PathVariable String sku) {
			return "item " + sku;
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(ItemsController.class)
	static class TestApplication {

	}

}
