package dev.switchboard.sample.order;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.sample.order.OrderController.OrderRequest;
import dev.switchboard.sample.order.OrderEvents.OrderPlaced;
import dev.switchboard.test.AutoConfigureSwitchboardTest;
import dev.switchboard.test.PublishedMessage;
import dev.switchboard.test.TestChannels;
import dev.switchboard.test.TestDiscovery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order service without Eureka, Kafka or inventory instances: a JDK HTTP server stands in for inventory
 * (the stock client is switched to REST for the test), and the published event is read from
 * {@link TestChannels}.
 *
 * @author Switchboard
 */
@SpringBootTest(properties = "switchboard.clients.stock.protocol=rest")
@AutoConfigureSwitchboardTest
class OrderControllerTests {

	static final HttpServer inventory = startInventory();

	@DynamicPropertySource
	static void inventory(DynamicPropertyRegistry registry) {
		TestDiscovery.pointService(registry, "inventory", TestDiscovery.localUrl(inventory.getAddress().getPort()));
	}

	@AfterAll
	static void stopInventory() {
		inventory.stop(0);
	}

	@Autowired
	OrderController orders;

	@Autowired
	TestChannels channels;

	@Autowired
	OrderService orderService;

	@Test
	void placesAnOrderAndPublishesOrderPlaced() {
		var response = this.orders.place(new OrderRequest("sku-1", 2));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(response.getBody()).isNotNull();
		assertThat(response.getBody().reservedBy()).isEqualTo("stub");
		PublishedMessage placed = this.channels.awaitPublished("orders", 1).get(0);
		assertThat(placed.destination()).isEqualTo("orders.v1");
		assertThat(placed.key()).isEqualTo(response.getBody().id());
		assertThat(placed.payload(OrderPlaced.class)).isEqualTo(new OrderPlaced(response.getBody().id(), "sku-1", 2));
		// The order was stored in the transaction that stored the event (relayed from the outbox after commit).
		assertThat(this.orderService.count()).isEqualTo(1);
	}

	private static HttpServer startInventory() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			server.createContext("/stock/", (exchange) -> answer(exchange,
					"{\"sku\":\"sku-1\",\"available\":10,\"instance\":\"stub\"}"));
			server.createContext("/items/", (exchange) -> answer(exchange,
					exchange.getRequestMethod().equals("POST")
							? "{\"sku\":\"sku-1\",\"quantity\":2,\"remaining\":8,\"instance\":\"stub\"}"
							: "{\"sku\":\"sku-1\",\"available\":10,\"instance\":\"stub\"}"));
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void answer(HttpExchange exchange, String json) throws IOException {
		exchange.getRequestBody().readAllBytes();
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

}
