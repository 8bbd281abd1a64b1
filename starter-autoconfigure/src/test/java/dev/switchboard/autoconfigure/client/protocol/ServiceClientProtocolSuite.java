package dev.switchboard.autoconfigure.client.protocol;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.switchboard.autoconfigure.client.rest.ServiceCallTimeoutException;
import dev.switchboard.core.annotation.ServiceClient;
import dev.switchboard.core.discovery.NoInstanceAvailableException;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.service.annotation.DeleteExchange;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * One {@code @ServiceClient} interface, one {@code @RestController} implementing it, and the same tests run
 * once per protocol: results and exception types must not depend on {@code protocol}. The application serves
 * the controller over HTTP (Tomcat) and, through {@code switchboard.grpc.server.exports}, over gRPC (Spring
 * gRPC's Netty server), and calls itself through discovery.
 *
 * @author Switchboard
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServiceClientProtocolSuite {

	protected ConfigurableApplicationContext context;

	protected int httpPort;

	protected int grpcPort;

	/**
	 * The protocol under test, as written in yml.
	 * @return rest or grpc
	 */
	abstract String protocol();

	/**
	 * Properties of the protocol under test.
	 * @return extra properties
	 */
	List<String> protocolProperties() {
		return List.of();
	}

	/**
	 * Configuration the protocol under test adds to the application.
	 * @return extra sources
	 */
	List<Class<?>> protocolSources() {
		return List.of();
	}

	ConfigurableApplicationContext context() {
		if (this.context == null) {
			this.httpPort = freePort();
			this.grpcPort = freePort();
			List<String> properties = new ArrayList<>(List.of("server.port=" + this.httpPort,
					"server.address=127.0.0.1", "spring.grpc.server.port=" + this.grpcPort,
					"spring.grpc.server.host=127.0.0.1", "spring.grpc.server.shutdown-grace-period=1s",
					"switchboard.client-defaults.protocol=" + protocol(),
					"switchboard.discovery.static.services.catalog[0]=http://127.0.0.1:" + this.httpPort,
					"switchboard.clients.catalog.grpc.port=" + this.grpcPort,
					"switchboard.clients.catalog.timeout.read=500ms",
					"switchboard.grpc.server.exports[0]=" + CatalogApi.class.getName()));
			properties.addAll(protocolProperties());
			List<Class<?>> sources = new ArrayList<>(List.of(TestApplication.class));
			sources.addAll(protocolSources());
			this.context = new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).web(WebApplicationType.SERVLET)
				.properties(properties.toArray(String[]::new))
				.run();
		}
		return this.context;
	}

	@AfterAll
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	CatalogApi client() {
		return client(CatalogApi.class);
	}

	<T> T client(Class<T> type) {
		// The controller implements the interface too: the client is the proxy.
		return context().getBeansOfType(type)
			.values()
			.stream()
			.filter((bean) -> java.lang.reflect.Proxy.isProxyClass(bean.getClass()))
			.findFirst()
			.orElseThrow();
	}

	@Test
	void resultsRoundTrip() {
		Item item = client().item("sku-1");
		assertThat(item).isEqualTo(new Item("sku-1", "Item sku-1", 3, protocol()));
	}

	@Test
	void requestParametersAndGenericResultsRoundTrip() {
		assertThat(client().search("lamp", 3)).extracting(Item::sku).containsExactly("lamp-0", "lamp-1", "lamp-2");
	}

	@Test
	void requestBodiesRoundTrip() {
		Reservation reservation = client().reserve("sku-2", new ReserveRequest(4, "order-7"));
		assertThat(reservation).isEqualTo(new Reservation("sku-2", 4, "order-7"));
	}

	@Test
	void voidMethodsReturn() {
		client().remove("sku-3");
	}

	@Test
	void notFoundIsHttpClientErrorNotFound() {
		assertThatExceptionOfType(HttpClientErrorException.NotFound.class).isThrownBy(() -> client().item("missing"))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND));
	}

	@Test
	void conflictKeepsItsExactStatus() {
		assertThatExceptionOfType(HttpClientErrorException.Conflict.class).isThrownBy(() -> client().item("taken"));
	}

	@Test
	void serverFailureIsHttpServerErrorInternalServerError() {
		assertThatExceptionOfType(HttpServerErrorException.InternalServerError.class)
			.isThrownBy(() -> client().item("broken"))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR));
	}

	@Test
	void readTimeoutIsServiceCallTimeoutException() {
		assertThatExceptionOfType(ServiceCallTimeoutException.class).isThrownBy(() -> client().item("slow"))
			.withMessageContaining("to service 'catalog' at 127.0.0.1:")
			.withMessageContaining("read timeout of 500ms")
			.isInstanceOf(ResourceAccessException.class);
	}

	@Test
	void serviceWithoutInstancesIsNoInstanceAvailableException() {
		assertThatExceptionOfType(NoInstanceAvailableException.class)
			.isThrownBy(() -> client(GhostApi.class).item("sku-1"))
			.withMessage("No instance of service 'ghost' is available from discovery backend 'static'");
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	record Item(String sku, String name, int stock, String servedOver) {
	}

	record ReserveRequest(int quantity, String orderId) {
	}

	record Reservation(String sku, int quantity, String orderId) {
	}

	@ServiceClient("catalog")
	@HttpExchange("/items")
	interface CatalogApi {

		@GetExchange("/{sku}")
		Item item(@PathVariable("sku") String sku);

		@GetExchange
		List<Item> search(@RequestParam("q") String q, @RequestParam("limit") int limit);

		@PostExchange("/{sku}/reservations")
		Reservation reserve(@PathVariable("sku") String sku, @RequestBody ReserveRequest request);

		@DeleteExchange("/{sku}")
		void remove(@PathVariable("sku") String sku);

	}

	@ServiceClient("ghost")
	@HttpExchange("/items")
	interface GhostApi {

		@GetExchange("/{sku}")
		Item item(@PathVariable("sku") String sku);

	}

	@RestController
	static class CatalogController implements CatalogApi {

		@Override
		public Item item(String sku) {
			switch (sku) {
				case "missing" -> throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no item " + sku);
				case "taken" -> throw new ResponseStatusException(HttpStatus.CONFLICT, "item " + sku + " is taken");
				case "broken" -> throw new IllegalStateException("database on fire");
				case "slow" -> sleep(1500);
				default -> {
				}
			}
			return new Item(sku, "Item " + sku, 3, servedOver());
		}

		@Override
		public List<Item> search(String q, int limit) {
			List<Item> items = new ArrayList<>();
			for (int i = 0; i < limit; i++) {
				items.add(new Item(q + "-" + i, q, i, servedOver()));
			}
			return items;
		}

		@Override
		public Reservation reserve(String sku, ReserveRequest request) {
			return new Reservation(sku, request.quantity(), request.orderId());
		}

		@Override
		public void remove(String sku) {
		}

		private static String servedOver() {
			// Spring MVC binds the request to the thread; exported gRPC calls have none.
			return (RequestContextHolder.getRequestAttributes() != null) ? "rest" : "grpc";
		}

		private static void sleep(long millis) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(CatalogController.class)
	static class TestApplication {

	}

}
