package dev.switchboard.autoconfigure.loadbalancer;

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
import org.springframework.cloud.client.loadbalancer.LoadBalancerRestClientHttpServiceGroupConfigurer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Cloud LoadBalancer present, its group configurer still balances the application's other HTTP service
 * groups, and leaves Switchboard's groups alone (so they get no intercepting request layer).
 *
 * @author Switchboard
 */
class SpringCloudLoadBalancerGroupsTests {

	private static final List<String> paths = new CopyOnWriteArrayList<>();

	private static HttpServer server;

	@BeforeAll
	static void startServer() throws IOException {
		server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.createContext("/", (exchange) -> {
			paths.add(exchange.getRequestURI().getPath());
			byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		server.start();
	}

	@AfterAll
	static void stopServer() {
		server.stop(0);
	}

	@Test
	void springCloudLoadBalancerBalancesOtherGroupsAndLeavesSwitchboardsAlone() {
		String url = "http://127.0.0.1:" + server.getAddress().getPort();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.cloud.discovery.client.simple.instances.springlb[0].uri=" + url,
					"switchboard.discovery.static.services.inventory[0]=" + url)
			.run()) {
			assertThat(context.getBean(LoadBalancerRestClientHttpServiceGroupConfigurer.class))
				.isInstanceOf(SwitchboardGroupsExcludedConfigurer.class);
			// Without Spring Cloud LoadBalancer's interceptor, http://springlb would not resolve.
			assertThat(context.getBean(SpringGroupClient.class).ping()).isEqualTo("ok");
			assertThat(context.getBean(InventoryClient.class).ping()).isEqualTo("ok");
			assertThat(paths).containsExactly("/spring", "/inventory");
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@ImportHttpServices(group = "springlb", types = SpringGroupClient.class)
	static class TestApplication {

	}

	interface SpringGroupClient {

		@GetExchange("/spring")
		String ping();

	}

	@ServiceClient("inventory")
	interface InventoryClient {

		@GetExchange("/inventory")
		String ping();

	}

}
