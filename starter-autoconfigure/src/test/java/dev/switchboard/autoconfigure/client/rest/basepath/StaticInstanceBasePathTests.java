package dev.switchboard.autoconfigure.client.rest.basepath;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.core.annotation.ServiceClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the path of a static instance URL ({@code http://127.0.0.1:port/api}) is the base path of REST calls
 * to that instance, over a real HTTP server that answers only under that path.
 *
 * @author Switchboard
 */
class StaticInstanceBasePathTests {

	private static final List<String> requests = new CopyOnWriteArrayList<>();

	private static HttpServer server;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() throws IOException {
		server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		// Only /api/... answers 200: a dropped base path would reach the 404 below.
		server.createContext("/api/", (exchange) -> answer(exchange, 200));
		server.createContext("/", (exchange) -> answer(exchange, 404));
		server.start();
		String base = "http://127.0.0.1:" + server.getAddress().getPort();
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties("switchboard.discovery.static.services.catalog[0]=" + base + "/api",
					"switchboard.discovery.static.services.trailing[0]=" + base + "/api/",
					"switchboard.clients.catalog.timeout.read=2s", "switchboard.clients.trailing.timeout.read=2s")
			.run();
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		server.stop(0);
	}

	@Test
	void pathOfTheStaticUrlPrefixesEveryCall() {
		requests.clear();
		CatalogClient client = context.getBean(CatalogClient.class);
		assertThat(client.product("p 1", "a&b")).isEqualTo("ok");
		assertThat(requests).containsExactly("/api/products/p%201?q=a%26b");
	}

	@Test
	void trailingSlashOfTheBasePathIsNotDoubled() {
		requests.clear();
		TrailingClient client = context.getBean(TrailingClient.class);
		assertThat(client.product("p2")).isEqualTo("ok");
		assertThat(requests).containsExactly("/api/products/p2");
	}

	private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status) throws IOException {
		String uri = exchange.getRequestURI().getRawPath()
				+ ((exchange.getRequestURI().getRawQuery() != null) ? "?" + exchange.getRequestURI().getRawQuery()
						: "");
		requests.add(uri);
		byte[] body = ((status == 200) ? "ok" : "not here").getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "text/plain");
		exchange.sendResponseHeaders(status, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	@ServiceClient("catalog")
	@HttpExchange("/products")
	interface CatalogClient {

		@GetExchange("/{id}")
		String product(@PathVariable String id, @RequestParam String q);

	}

	@ServiceClient("trailing")
	@HttpExchange("/products")
	interface TrailingClient {

		@GetExchange("/{id}")
		String product(@PathVariable String id);

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
