package dev.switchboard.autoconfigure.discovery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.discovery.ConsulProtocolDouble.RecordedRequest;
import dev.switchboard.core.discovery.CachingServiceDiscovery;
import dev.switchboard.core.discovery.DiscoveryLookupTimeoutException;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Registry faults with the Consul backend, against {@link ConsulProtocolDouble}: an agent that accepts
 * connections and never answers, from the start or after it answered, and a failing health indicator (standing
 * for a broker outage) that must not mark the registered instance critical.
 *
 * @author Switchboard
 */
class ConsulRegistryFaultTests {

	private static final Duration LOOKUP_TIMEOUT = Duration.ofMillis(500);

	/** The Consul client's read timeout in these tests: lookup timeout + 1 s catalog watch wait + 1/16 of it. */
	private static final Duration READ_TIMEOUT = ConsulClients.readTimeout(LOOKUP_TIMEOUT, Duration.ofSeconds(1));

	private static final Duration SLACK = Duration.ofSeconds(1);

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private static ConsulProtocolDouble consul;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeAll
	static void startConsul() {
		consul = ConsulProtocolDouble.start();
	}

	@AfterAll
	static void stopConsul() {
		consul.close();
	}

	@AfterEach
	void closeApplications() {
		consul.answerNormally();
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void applicationStartsServesAndStopsWhileTheAgentNeverAnswers() throws Exception {
		consul.hang();
		long start = System.nanoTime();
		ConfigurableApplicationContext context = CompletableFuture.supplyAsync(() -> startApplication("hung-start"))
			.get(60, TimeUnit.SECONDS);
		Duration startup = Duration.ofNanos(System.nanoTime() - start);
		// The fault: the agent received the registration and never answered it.
		assertThat(consul.unansweredRequests()).extracting(RecordedRequest::path)
			.contains("/v1/agent/service/register");
		// Registration gave up after the read timeout and startup went on (Boot itself takes a few seconds).
		assertThat(startup).isLessThan(READ_TIMEOUT.plus(Duration.ofSeconds(20)));

		CachingServiceDiscovery discovery = context.getBean(CachingServiceDiscovery.class);
		long lookup = System.nanoTime();
		assertThat(discovery.getInstances("inventory")).isEmpty();
		assertThat(Duration.ofNanos(System.nanoTime() - lookup)).isLessThan(LOOKUP_TIMEOUT.plus(SLACK));
		assertThat(discovery.getOutageCause()).isInstanceOf(DiscoveryLookupTimeoutException.class);
		Health health = context.getBean(DiscoveryHealthIndicator.class).health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsKeys("outageSince", "outageDuration")
			.containsEntry("lastError", DiscoveryLookupTimeoutException.class.getName() + ": "
					+ discovery.getOutageCause().getMessage());
		assertThat(timedGet(context, "/actuator/health")).isEqualTo(503);

		long stop = System.nanoTime();
		CompletableFuture.runAsync(context::close).get(30, TimeUnit.SECONDS);
		// Deregistration, too, was sent, left unanswered and given up after the read timeout.
		assertThat(consul.unansweredRequests()).extracting(RecordedRequest::path)
			.anyMatch((path) -> path.startsWith("/v1/agent/service/deregister/"));
		assertThat(Duration.ofNanos(System.nanoTime() - stop)).isLessThan(READ_TIMEOUT.plus(Duration.ofSeconds(10)));
	}

	@Test
	void callsGoOnWithTheLastKnownInstancesWhenTheAgentStopsAnswering() throws Exception {
		consul.register("orders-1", "orders", 8181, "passing");
		ConfigurableApplicationContext context = startApplication("hung-later");
		CachingServiceDiscovery discovery = context.getBean(CachingServiceDiscovery.class);
		assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getPort).containsExactly(8181);
		int unansweredBefore = consul.unansweredRequests().size();

		consul.hang();
		// The fault: the agent receives the refresh's lookup and does not answer it.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> consul.unansweredRequests()
				.stream()
				.skip(unansweredBefore)
				.anyMatch((request) -> request.path().equals("/v1/health/service/orders")));
		await().atMost(LOOKUP_TIMEOUT.plus(Duration.ofSeconds(3))).until(() -> !discovery.isBackendAvailable());
		assertThat(discovery.getOutageCause()).isInstanceOf(DiscoveryLookupTimeoutException.class);

		ExecutorService callers = Executors.newFixedThreadPool(4);
		try {
			List<Future<Duration>> calls = new ArrayList<>();
			AtomicReference<List<ServiceInstance>> seen = new AtomicReference<>();
			for (int i = 0; i < 40; i++) {
				calls.add(callers.submit(() -> {
					long start = System.nanoTime();
					seen.set(discovery.getInstances("orders"));
					return Duration.ofNanos(System.nanoTime() - start);
				}));
			}
			// A service called for the first time during the hang waits at most the lookup timeout.
			calls.add(callers.submit(() -> {
				long start = System.nanoTime();
				assertThat(discovery.getInstances("billing")).isEmpty();
				return Duration.ofNanos(System.nanoTime() - start);
			}));
			for (Future<Duration> call : calls) {
				assertThat(call.get(10, TimeUnit.SECONDS)).isLessThan(LOOKUP_TIMEOUT.plus(SLACK));
			}
			assertThat(seen.get()).extracting(ServiceInstance::getPort).containsExactly(8181);
		}
		finally {
			callers.shutdownNow();
		}
		Health health = context.getBean(DiscoveryHealthIndicator.class).health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("instancesKept", 1)
			.containsEntry("instancesKeptFor", "the whole outage");
		assertThat(timedGet(context, "/actuator/health")).isEqualTo(503);
		// Readiness does not follow the registry: the instance keeps serving with what it knows.
		assertThat(timedGet(context, "/actuator/health/readiness")).isEqualTo(200);

		consul.answerNormally();
		consul.register("orders-2", "orders", 8282, "passing");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getPort)
				.containsExactlyInAnyOrder(8181, 8282));
		await().atMost(Duration.ofSeconds(5)).until(discovery::isBackendAvailable);
	}

	@Test
	void failingHealthIndicatorLeavesTheRegisteredCheckPassing() throws Exception {
		ConfigurableApplicationContext context = startApplication("cascade");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> consul.registrations().containsKey(registrationId(context))
					&& consul.registrations().get(registrationId(context)).status().equals("passing"));
		assertThat(consul.registrations().get(registrationId(context)).http()).endsWith("/actuator/health/readiness");

		context.getBean(ToggledBrokerHealth.class).down = true;
		// The fault: the application's aggregate health is DOWN.
		assertThat(timedGet(context, "/actuator/health")).isEqualTo(503);
		int runs = consul.checkRuns();
		// Several check intervals (300 ms) later the agent still sees the instance passing.
		await().atMost(Duration.ofSeconds(10)).until(() -> consul.checkRuns() >= runs + 3);
		assertThat(consul.registrations().get(registrationId(context)).status()).isEqualTo("passing");
	}

	private static String registrationId(ConfigurableApplicationContext context) {
		return consul.registrations()
			.values()
			.stream()
			.filter((registration) -> registration.port() == port(context))
			.map(ConsulProtocolDouble.Registration::id)
			.findFirst()
			.orElse("none");
	}

	private static int timedGet(ConfigurableApplicationContext context, String path)
			throws IOException, InterruptedException {
		long start = System.nanoTime();
		HttpResponse<Void> response = http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(context) + path))
					.timeout(Duration.ofSeconds(10))
					.build(),
				HttpResponse.BodyHandlers.discarding());
		// Health reads memory only: it never waits on the agent.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SLACK);
		return response.statusCode();
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private ConfigurableApplicationContext startApplication(String name) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(FaultApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties("spring.application.name=" + name, "server.port=0", "server.address=127.0.0.1",
					"switchboard.discovery.type=consul", "switchboard.discovery.refresh-interval=500ms",
					"switchboard.discovery.lookup-timeout=" + LOOKUP_TIMEOUT.toMillis() + "ms",
					"switchboard.registration.prefer-ip-address=true", "spring.cloud.consul.host=127.0.0.1",
					"spring.cloud.consul.port=" + consul.port(), "spring.cloud.consul.discovery.ip-address=127.0.0.1",
					"spring.cloud.consul.discovery.health-check-interval=300ms",
					"spring.cloud.consul.discovery.catalog-services-watch-delay=100",
					"spring.cloud.consul.discovery.catalog-services-watch-timeout=1",
					// The test class path has H2 and Lettuce for the idempotency store tests: Boot's database and
					// Redis health indicators are not what this test times.
					"management.health.db.enabled=false", "management.health.redis.enabled=false")
			.run();
		this.contexts.add(context);
		return context;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class FaultApplication {

		@Bean
		ToggledBrokerHealth brokerHealthIndicator() {
			return new ToggledBrokerHealth();
		}

	}

	/**
	 * Stands for a broker's health indicator: DOWN while the broker is out.
	 */
	static final class ToggledBrokerHealth implements HealthIndicator {

		volatile boolean down;

		@Override
		public Health health() {
			return this.down ? Health.down().withDetail("broker", "unreachable").build() : Health.up().build();
		}

	}

}
