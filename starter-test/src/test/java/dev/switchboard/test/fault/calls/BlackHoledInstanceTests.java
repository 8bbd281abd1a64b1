package dev.switchboard.test.fault.calls;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.client.ClientStatistics;
import dev.switchboard.autoconfigure.client.ServiceClientRuntime;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.core.annotation.ServiceClient;
import dev.switchboard.test.fault.FaultProxy;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An HTTP instance that accepts connections and never answers (a {@link FaultProxy} black-holing its traffic),
 * beside a healthy one: idempotent calls fail over within the read timeout, none fails, and the outlier detector
 * ejects the black-holed instance, which then receives no more calls.
 *
 * @author Switchboard
 */
class BlackHoledInstanceTests {

	private static final Duration READ_TIMEOUT = Duration.ofMillis(400);

	private static NamedHttpServer healthy;

	private static NamedHttpServer hanging;

	private static FaultProxy proxy;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() {
		healthy = new NamedHttpServer("healthy");
		hanging = new NamedHttpServer("black-holed");
		proxy = FaultProxy.start("127.0.0.1", hanging.port());
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			// Not this module's application.yml, which describes a deployed service with brokers.
			.properties("spring.config.name=fault-calls",
					"switchboard.discovery.static.services.inventory[0]=http://" + proxy.getAddress(),
					"switchboard.discovery.static.services.inventory[1]=" + healthy.url(),
					"switchboard.clients.inventory.load-balancer=round-robin",
					"switchboard.clients.inventory.timeout.connect=200ms",
					"switchboard.clients.inventory.timeout.read=" + READ_TIMEOUT.toMillis() + "ms",
					"switchboard.clients.inventory.retry.backoff=5ms",
					"switchboard.clients.inventory.outlier.consecutive-failures=2",
					"switchboard.clients.inventory.outlier.ejection=30s")
			.run();
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		proxy.close();
		hanging.close();
		healthy.close();
	}

	@Test
	void idempotentCallsFailOverWithinTheReadTimeoutAndTheBlackHoledInstanceIsEjected() {
		InventoryClient client = context.getBean(InventoryClient.class);
		ServiceClientRuntime runtime = context.getBean(ServiceClientRuntimes.class).asMap().get("inventory");
		ClientStatistics statistics = runtime.getStatistics();
		// Both instances answer while the proxy passes traffic.
		List<String> before = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			before.add(client.item("before-" + i).instance());
		}
		assertThat(before).contains("healthy", "black-holed");
		int hangingRequests = hanging.requests();
		long retries = statistics.getRetries();

		proxy.blackHole();
		List<String> answers = new ArrayList<>();
		long slowest = 0;
		for (int i = 0; i < 10; i++) {
			long start = System.nanoTime();
			answers.add(client.item("during-" + i).instance());
			slowest = Math.max(slowest, System.nanoTime() - start);
		}

		// The fault: requests reached the proxy and were dropped; the instance behind it saw none of them.
		assertThat(proxy.getDroppedBytes()).isPositive();
		assertThat(hanging.requests()).isEqualTo(hangingRequests);
		// The outcome: every call answered, by the healthy instance, the failed attempts retried there.
		assertThat(answers).hasSize(10).containsOnly("healthy");
		assertThat(statistics.getRetries() - retries).isPositive();
		// No call waited for more than one read timeout (plus scheduling slack).
		assertThat(Duration.ofNanos(slowest)).isLessThan(READ_TIMEOUT.plusSeconds(1));
		ServiceInstance blackHoled = new DefaultServiceInstance("black-holed", "inventory", "127.0.0.1",
				proxy.getPort(), false);
		assertThat(runtime.getOutlierDetector().isEjected(blackHoled)).isTrue();

		// While ejected, it gets no call at all: no new connection, no new byte.
		long accepted = proxy.getAcceptedConnections();
		long dropped = proxy.getDroppedBytes();
		long attempts = statistics.getAttempts();
		for (int i = 0; i < 10; i++) {
			assertThat(client.item("ejected-" + i).instance()).isEqualTo("healthy");
		}
		assertThat(statistics.getAttempts() - attempts).isEqualTo(10);
		assertThat(proxy.getAcceptedConnections()).isEqualTo(accepted);
		assertThat(proxy.getDroppedBytes()).isEqualTo(dropped);
	}

	@ServiceClient("inventory")
	@HttpExchange("/items")
	interface InventoryClient {

		@GetExchange("/{sku}")
		Item item(@PathVariable String sku);

	}

	record Item(String sku, String instance) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
