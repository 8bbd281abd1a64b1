package dev.switchboard.autoconfigure.loadbalancer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @LoadBalanced} RestClient, balanced by Spring Cloud LoadBalancer with Switchboard's p2c-ewma
 * balancer: the slow one of two instances gets little traffic; with Switchboard's balancers switched off,
 * Spring Cloud's round-robin splits the calls evenly.
 *
 * @author Switchboard
 */
class SpringCloudLoadBalancerIntegrationTests {

	private static HttpServer fast;

	private static HttpServer slow;

	@BeforeAll
	static void startServers() throws IOException {
		fast = server("fast", 0);
		// Far slower than a loaded machine makes the fast one, so that latency alone tells them apart.
		slow = server("slow", 150);
	}

	@AfterAll
	static void stopServers() {
		fast.stop(0);
		slow.stop(0);
	}

	@Test
	void loadBalancedClientsAvoidTheSlowInstanceWithSwitchboardsBalancer() {
		try (ConfigurableApplicationContext context = start("switchboard.spring-cloud-loadbalancer.enabled=true")) {
			Map<String, Integer> answers = call(context, 40);
			assertThat(answers.getOrDefault("fast", 0)).isGreaterThanOrEqualTo(32);
		}
	}

	@Test
	void springCloudRoundRobinSplitsEvenlyWhenSwitchedOff() {
		try (ConfigurableApplicationContext context = start("switchboard.spring-cloud-loadbalancer.enabled=false")) {
			Map<String, Integer> answers = call(context, 10);
			assertThat(answers).containsEntry("fast", 5).containsEntry("slow", 5);
		}
	}

	@Test
	void loadBalancedClientsPreferTheOwnZoneOverLatency() {
		try (ConfigurableApplicationContext context = start("switchboard.spring-cloud-loadbalancer.enabled=true",
				"switchboard.discovery.zone=zone-b", "spring.cloud.discovery.client.simple.instances.mixed[0].metadata.zone=zone-a",
				"spring.cloud.discovery.client.simple.instances.mixed[1].metadata.zone=zone-b")) {
			assertThat(call(context, 10)).containsOnlyKeys("slow");
		}
	}

	private static Map<String, Integer> call(ConfigurableApplicationContext context, int calls) {
		RestClient client = context.getBean("loadBalanced", RestClient.Builder.class).build();
		Map<String, Integer> answers = new HashMap<>();
		for (int i = 0; i < calls; i++) {
			String answer = client.get().uri("http://mixed/whoami").retrieve().body(String.class);
			answers.merge(answer, 1, Integer::sum);
		}
		return answers;
	}

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties(properties)
			.properties(
					"spring.cloud.discovery.client.simple.instances.mixed[0].uri=http://127.0.0.1:"
							+ fast.getAddress().getPort(),
					"spring.cloud.discovery.client.simple.instances.mixed[1].uri=http://127.0.0.1:"
							+ slow.getAddress().getPort())
			.run();
	}

	private static HttpServer server(String name, long delayMillis) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.setExecutor(Executors.newFixedThreadPool(4));
		server.createContext("/whoami", (exchange) -> {
			try {
				Thread.sleep(delayMillis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			byte[] body = name.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		server.start();
		return server;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		@LoadBalanced
		RestClient.Builder loadBalanced() {
			return RestClient.builder();
		}

		// Other RestClient users (such as discovery clients) get a plain builder.
		@Bean
		@Primary
		RestClient.Builder plain() {
			return RestClient.builder();
		}

	}

}
