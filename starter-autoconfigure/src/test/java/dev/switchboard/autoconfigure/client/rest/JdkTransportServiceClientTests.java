package dev.switchboard.autoconfigure.client.rest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.client.ClientStatistics;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.autoconfigure.client.rest.ServiceClientResilienceTests.RefusedPostClient;
import dev.switchboard.autoconfigure.client.rest.ServiceClientResilienceTests.ResettingClient;
import dev.switchboard.autoconfigure.client.rest.ServiceClientResilienceTests.RetryingClient;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.ResourceAccessException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Service clients on {@code spring.http.clients.imperative.factory=jdk}, that is on
 * {@link JdkBlockingClientHttpRequestFactory}: Switchboard's retry decisions see the failures of the JDK client as
 * they see those of the other transports (never sent, or sent and failed).
 *
 * @author Switchboard
 */
class JdkTransportServiceClientTests {

	private static TestHttpServer healthy;

	private static ResettingServer resetting;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() throws IOException {
		healthy = new TestHttpServer("healthy");
		resetting = new ResettingServer();
		int deadPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			deadPort = socket.getLocalPort();
		}
		String dead = "http://127.0.0.1:" + deadPort;
		List<String> properties = new ArrayList<>(List.of("spring.http.clients.imperative.factory=jdk",
				"switchboard.client-defaults.load-balancer=round-robin", "switchboard.client-defaults.timeout.read=5s",
				"switchboard.client-defaults.retry.backoff=5ms", "switchboard.client-defaults.outlier.enabled=false",
				"switchboard.discovery.static.services.refused-then-live[0]=" + dead,
				"switchboard.discovery.static.services.refused-then-live[1]=" + healthy.url(),
				"switchboard.discovery.static.services.with-reset[0]=" + resetting.url(),
				"switchboard.discovery.static.services.with-reset[1]=" + healthy.url(),
				"switchboard.clients.retrying.service-id=refused-then-live",
				"switchboard.clients.refused-post.service-id=refused-then-live",
				"switchboard.clients.resetting.service-id=with-reset"));
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	@AfterAll
	static void stop() throws IOException {
		if (context != null) {
			context.close();
		}
		healthy.close();
		resetting.close();
	}

	@Test
	void getRefusedByAnInstanceIsRetriedOnAnother() {
		RetryingClient client = context.getBean(RetryingClient.class);
		long retries = statistics("retrying").getRetries();
		for (int i = 0; i < 4; i++) {
			assertThat(client.item("sku-" + i).instance()).isEqualTo("healthy");
		}
		// Round-robin over a refused port and a live instance: some first attempts were refused, then retried.
		assertThat(statistics("retrying").getRetries() - retries).isPositive();
	}

	@Test
	void postThatNeverLeftIsRetriedOnALiveInstance() {
		RefusedPostClient client = context.getBean(RefusedPostClient.class);
		long retries = statistics("refused-post").getRetries();
		long attempts = statistics("refused-post").getAttempts();
		assertThat(client.create("sku-1").instance()).isEqualTo("healthy");
		assertThat(client.create("sku-2").instance()).isEqualTo("healthy");
		long retried = statistics("refused-post").getRetries() - retries;
		assertThat(retried).isBetween(1L, 2L);
		assertThat(statistics("refused-post").getAttempts() - attempts).isEqualTo(2 + retried);
	}

	@Test
	void postThatReachedTheServerAndFailedIsNotRetried() {
		ResettingClient client = context.getBean(ResettingClient.class);
		long retries = statistics("resetting").getRetries();
		int readBefore = resetting.requestsRead();
		List<String> outcomes = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			try {
				outcomes.add(client.create("sku-" + i, "{\"quantity\":1}").instance());
			}
			catch (ResourceAccessException ex) {
				outcomes.add("failed");
			}
		}
		// The fault happened: the resetting server read one whole request and reset the connection.
		assertThat(resetting.requestsRead() - readBefore).isOne();
		assertThat(outcomes).containsExactlyInAnyOrder("failed", "healthy");
		assertThat(statistics("resetting").getRetries() - retries).isZero();
	}

	private static ClientStatistics statistics(String client) {
		return context.getBean(ServiceClientRuntimes.class).asMap().get(client).getStatistics();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
