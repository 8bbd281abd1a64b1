package dev.switchboard.autoconfigure.discovery.dns;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.discovery.dns.DnsmasqServer.SrvRecord;
import dev.switchboard.core.annotation.ServiceClient;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.service.annotation.GetExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code @ServiceClient} whose instances come from SRV records served by a real dnsmasq: the application
 * differs from a static-discovery one only in its properties.
 *
 * @author Switchboard
 */
class DnsDiscoveryServiceClientTests {

	private static final String DOMAIN = "svc.test";

	private static DnsmasqServer dns;

	private static HttpServer first;

	private static HttpServer second;

	private static HttpServer third;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() throws IOException {
		first = server("first");
		second = server("second");
		third = server("third");
		dns = DnsmasqServer.start(DOMAIN);
		dns.addAddresses("node", "127.0.0.1");
		dns.setSrvRecords(new SrvRecord("_http._tcp.inventory", "node", first.getAddress().getPort(), 10, 10),
				new SrvRecord("_http._tcp.inventory", "node", second.getAddress().getPort(), 10, 10));
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties("switchboard.discovery.type=dns",
					"switchboard.discovery.dns.servers=127.0.0.1:" + dns.address().getPort(),
					"switchboard.discovery.dns.domain=" + DOMAIN, "switchboard.discovery.dns.query-timeout=1s",
					"switchboard.discovery.refresh-interval=200ms", "switchboard.clients.inventory.load-balancer=round-robin")
			.run();
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		if (dns != null) {
			dns.close();
		}
		first.stop(0);
		second.stop(0);
		third.stop(0);
	}

	@Test
	void callsFollowTheSrvRecords() {
		InventoryClient client = context.getBean(InventoryClient.class);
		assertThat(context.getBean(ServiceDiscovery.class).backend()).isEqualTo("dns");
		assertThat(answers(client, 6)).containsExactlyInAnyOrder("first", "second");

		// A new pod replaces one of the two: within a refresh, calls go to the new set.
		dns.setSrvRecords(new SrvRecord("_http._tcp.inventory", "node", first.getAddress().getPort(), 10, 10),
				new SrvRecord("_http._tcp.inventory", "node", third.getAddress().getPort(), 10, 10));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(answers(client, 6)).containsExactlyInAnyOrder("first", "third"));
	}

	private static Set<String> answers(InventoryClient client, int calls) {
		Set<String> answers = new HashSet<>();
		for (int i = 0; i < calls; i++) {
			answers.add(client.whoami());
		}
		return answers;
	}

	private static HttpServer server(String name) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.createContext("/whoami", (exchange) -> {
			byte[] body = name.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		server.start();
		return server;
	}

	@ServiceClient("inventory")
	interface InventoryClient {

		@GetExchange("/whoami")
		String whoami();

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
