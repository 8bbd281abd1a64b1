package dev.switchboard.autoconfigure.discovery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.core.discovery.CachingServiceDiscovery;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health-status changes of Consul services reach Switchboard's cache through a blocking query on the service's
 * health, within a second, although the periodic refresh runs only every minute and the catalog (which the
 * catalog watch follows) does not change with a check's status.
 *
 * @author Switchboard
 */
class ConsulHealthWatchTests {

	private static ConsulProtocolDouble consul;

	private static ConfigurableApplicationContext application;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		consul = ConsulProtocolDouble.start();
		application = new SpringApplicationBuilder(ConsulClientApplication.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=caller", "switchboard.discovery.type=consul",
					"switchboard.registration.enabled=false", "switchboard.discovery.refresh-interval=1m",
					"spring.cloud.consul.host=127.0.0.1", "spring.cloud.consul.port=" + consul.port())
			.run();
	}

	@AfterAll
	static void stop() {
		if (application != null) {
			application.close();
		}
		consul.close();
	}

	@Test
	void aCheckTurningCriticalAndPassingAgainArrivesWithinASecond() throws Exception {
		consul.register("shipping-1", "shipping", 8181, "passing");
		consul.register("shipping-2", "shipping", 8282, "passing");
		CachingServiceDiscovery discovery = application.getBean(CachingServiceDiscovery.class);
		assertThat(discovery.getInstances("shipping")).extracting(ServiceInstance::getPort)
			.containsExactlyInAnyOrder(8181, 8282);
		// The watch's first blocking query is parked at the double.
		await().atMost(Duration.ofSeconds(2)).until(() -> blockingHealthQueries("shipping") > 0);

		updateCheck("fail", "shipping-2");
		await().atMost(Duration.ofSeconds(1))
			.pollInterval(Duration.ofMillis(10))
			.untilAsserted(() -> assertThat(discovery.getInstances("shipping")).extracting(ServiceInstance::getPort)
				.containsExactly(8181));

		updateCheck("pass", "shipping-2");
		await().atMost(Duration.ofSeconds(1))
			.pollInterval(Duration.ofMillis(10))
			.untilAsserted(() -> assertThat(discovery.getInstances("shipping")).extracting(ServiceInstance::getPort)
				.containsExactlyInAnyOrder(8181, 8282));
	}

	private long blockingHealthQueries(String service) {
		return consul.requests()
			.stream()
			.filter((request) -> request.path().equals("/v1/health/service/" + service)
					&& request.query().containsKey("index") && !"0".equals(request.query().get("index")))
			.count();
	}

	private void updateCheck(String action, String serviceId) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + consul.port() + "/v1/agent/check/" + action
						+ "/service:" + serviceId))
					.PUT(HttpRequest.BodyPublishers.noBody())
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ConsulClientApplication {

	}

}
