package dev.switchboard.autoconfigure.client.rest;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.core.annotation.ServiceClient;
import dev.switchboard.core.discovery.NoInstanceAvailableException;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * End-to-end tests of {@code @ServiceClient} interfaces over real HTTP servers on loopback: a Spring Boot
 * application whose clients are found by scanning, resolved through static discovery and balanced.
 *
 * @author Switchboard
 */
class ServiceClientEndToEndTests {

	private static TestHttpServer first;

	private static TestHttpServer second;

	private static TestHttpServer fixed;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() throws Exception {
		first = new TestHttpServer("first");
		second = new TestHttpServer("second");
		fixed = new TestHttpServer("fixed");
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties("switchboard.discovery.static.services.inventory[0]=" + first.url(),
					"switchboard.discovery.static.services.inventory[1]=" + second.url(),
					"switchboard.clients.inventory.timeout.read=300ms",
					"switchboard.clients.inventory.load-balancer=round-robin",
					"switchboard.clients.inventory.timeout.connect=500ms",
					"spring.http.serviceclient.inventory.default-header.X-Team=orders",
					"switchboard.clients.pinned.url=" + fixed.url(),
					"switchboard.clients.pinned.service-id=inventory")
			.run();
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		first.close();
		second.close();
		fixed.close();
	}

	@Test
	void callsAreSpreadOverBothInstances() {
		InventoryClient client = context.getBean(InventoryClient.class);
		Map<String, Integer> answeredBy = new HashMap<>();
		for (int i = 0; i < 20; i++) {
			Item item = client.item("sku-" + i);
			assertThat(item.sku()).isEqualTo("sku-" + i);
			answeredBy.merge(item.instance(), 1, Integer::sum);
		}
		// Round-robin over two instances: an even split.
		assertThat(answeredBy).containsOnly(Map.entry("first", 10), Map.entry("second", 10));
	}

	@Test
	void queryParametersBodiesAndBootGroupSettingsReachTheInstance() {
		InventoryClient client = context.getBean(InventoryClient.class);
		Item searched = client.search("a b&c");
		assertThat(searched.query()).isEqualTo("q=a%20b%26c");
		assertThat(searched.team()).isEqualTo("orders");
		Item reserved = client.reserve("sku-9", "{\"quantity\":2}");
		assertThat(reserved.method()).isEqualTo("POST");
		assertThat(reserved.body()).isEqualTo("{'quantity':2}");
	}

	@Test
	void readTimeoutSurfacesAsServiceCallTimeoutException() {
		InventoryClient client = context.getBean(InventoryClient.class);
		assertThatExceptionOfType(ServiceCallTimeoutException.class).isThrownBy(() -> client.item("slow"))
			.withMessageContaining("GET /items/slow to service 'inventory' at 127.0.0.1:")
			.withMessageContaining("read timeout of 300ms")
			.isInstanceOf(ResourceAccessException.class);
	}

	@Test
	void clientErrorsKeepSpringsExceptionTypes() {
		InventoryClient client = context.getBean(InventoryClient.class);
		assertThatExceptionOfType(HttpClientErrorException.NotFound.class).isThrownBy(() -> client.item("missing"));
	}

	@Test
	void urlOverrideBypassesDiscovery() {
		PinnedInventoryClient client = context.getBean(PinnedInventoryClient.class);
		for (int i = 0; i < 4; i++) {
			assertThat(client.item("sku-" + i).instance()).isEqualTo("fixed");
		}
	}

	@Test
	void serviceWithoutInstancesFailsAtOnceNamingServiceAndBackend() {
		GhostClient client = context.getBean(GhostClient.class);
		assertThatExceptionOfType(NoInstanceAvailableException.class).isThrownBy(() -> client.item("sku-1"))
			.withMessage("No instance of service 'ghost' is available from discovery backend 'static'");
	}

	record Item(String sku, String instance, String method, String team, String query, String body) {
	}

	@ServiceClient("inventory")
	@HttpExchange("/items")
	interface InventoryClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

		@GetExchange("/search")
		Item search(@RequestParam String q);

		@PostExchange(url = "/{sku}", contentType = "application/json")
		Item reserve(@PathVariable String sku, @RequestBody String body);

	}

	@ServiceClient("pinned")
	@HttpExchange("/items")
	interface PinnedInventoryClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	@ServiceClient("ghost")
	@HttpExchange("/items")
	interface GhostClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
