package dev.switchboard.autoconfigure.client.rest.zones;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.core.annotation.ServiceClient;
import dev.switchboard.core.balancer.ZoneAwareLoadBalancer;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Zone-aware balancing of a REST {@code @ServiceClient} over four real HTTP servers on loopback, two in the
 * client's own zone and two in another: calls stay in the own zone, spill over in part when one local instance
 * dies, and all go to the other zone when both local instances are dead.
 *
 * @author Switchboard
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZoneAwareBalancingTests {

	private static final Map<String, Instance> instances = new LinkedHashMap<>();

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() throws IOException {
		List<String> properties = new ArrayList<>(List.of("switchboard.discovery.zone=zone-a",
				"switchboard.clients.inventory.load-balancer=round-robin",
				"switchboard.clients.inventory.timeout.read=2s",
				"switchboard.clients.inventory.retry.backoff=1ms",
				// One refused connection ejects the instance: what makes it count as unhealthy for the zone.
				"switchboard.clients.inventory.outlier.consecutive-failures=1"));
		int i = 0;
		for (String name : List.of("a1", "a2", "b1", "b2")) {
			Instance instance = new Instance(name);
			instances.put(name, instance);
			String zone = "zone-" + name.charAt(0);
			properties.add("switchboard.discovery.static.services.inventory[" + i++ + "]=http://127.0.0.1:"
					+ instance.port() + "?zone=" + zone);
		}
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		instances.values().forEach(Instance::kill);
	}

	@Test
	@Order(1)
	void theClientsBalancerIsZoneAware() {
		assertThat(context.getBean(ServiceClientRuntimes.class).asMap().get("inventory").getBalancer())
			.isInstanceOfSatisfying(ZoneAwareLoadBalancer.class,
					(balancer) -> assertThat(balancer.getLocalZone()).isEqualTo("zone-a"));
	}

	@Test
	@Order(2)
	void callsStayInTheOwnZoneWhileItIsHealthy() {
		Map<String, Integer> served = call(200);
		assertThat(served).containsOnlyKeys("a1", "a2");
		assertThat(served.get("a1")).isEqualTo(100);
		assertThat(instances.get("b1").requests.get() + instances.get("b2").requests.get()).isZero();
	}

	@Test
	@Order(3)
	void aShareOfTheCallsSpillsOverWhenOneOfTheTwoLocalInstancesDies() {
		kill("a1");
		Map<String, Integer> served = call(300);
		// a1 is ejected after its first refused connection: one of two local instances is healthy, 50% < 70%, so
		// the own zone takes 50/70 of the calls and the rest go to all healthy instances (a2, b1, b2).
		int remote = served.getOrDefault("b1", 0) + served.getOrDefault("b2", 0);
		assertThat(served).doesNotContainKey("a1");
		assertThat(remote).isBetween(30, 120);
		assertThat(served.get("a2")).isGreaterThan(180);
	}

	@Test
	@Order(4)
	void everyCallGoesToTheOtherZoneWhenNoLocalInstanceIsLeft() {
		kill("a2");
		// The first call may still try a2 once (then retried elsewhere, and a2 ejected).
		call(5);
		int before = instances.get("a2").requests.get();
		Map<String, Integer> served = call(200);
		assertThat(served).containsOnlyKeys("b1", "b2");
		assertThat(instances.get("a2").requests.get()).isEqualTo(before);
	}

	private static void kill(String name) {
		Instance instance = instances.get(name);
		instance.kill();
		// The fault first: nothing listens on the instance's port any more.
		assertThatExceptionOfType(ConnectException.class)
			.isThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), instance.port()).close());
	}

	/** Makes calls, every one of which must succeed, and counts which instance served them. */
	private static Map<String, Integer> call(int calls) {
		InventoryClient client = context.getBean(InventoryClient.class);
		Map<String, Integer> served = new LinkedHashMap<>();
		for (int i = 0; i < calls; i++) {
			served.merge(client.item("sku-" + i).instance(), 1, Integer::sum);
		}
		return served;
	}

	record Item(String sku, String instance) {
	}

	@ServiceClient("inventory")
	@HttpExchange("/items")
	interface InventoryClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	/** A loopback HTTP server answering {@code /items/<sku>} with its own name. */
	private static final class Instance {

		private final String name;

		private final HttpServer server;

		private final AtomicInteger requests = new AtomicInteger();

		private volatile boolean running = true;

		Instance(String name) throws IOException {
			this.name = name;
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			this.server.createContext("/items/", (exchange) -> {
				this.requests.incrementAndGet();
				String sku = exchange.getRequestURI().getRawPath().substring("/items/".length());
				byte[] body = ("{\"sku\":\"" + sku + "\",\"instance\":\"" + this.name + "\"}")
					.getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, body.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(body);
				}
			});
			this.server.start();
		}

		int port() {
			return this.server.getAddress().getPort();
		}

		void kill() {
			if (this.running) {
				this.running = false;
				this.server.stop(0);
			}
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
