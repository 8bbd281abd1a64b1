package dev.switchboard.autoconfigure.discovery;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.switchboard.autoconfigure.discovery.ConsulProtocolDouble.RecordedRequest;
import dev.switchboard.autoconfigure.discovery.ConsulProtocolDouble.Registration;
import dev.switchboard.core.balancer.ZoneAwareLoadBalancer;
import dev.switchboard.core.discovery.CachingServiceDiscovery;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the Consul backend: Spring Cloud Consul's own client and registration, with Switchboard's properties
 * applied, against {@link ConsulProtocolDouble} (no Consul binary can be installed on the build machines).
 *
 * @author Switchboard
 */
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsulDiscoveryBackendTests {

	private static final String TOKEN = "c0ffee-acl-token-7d1e";

	private static ConsulProtocolDouble consul;

	private static ConfigurableApplicationContext inventory;

	@BeforeAll
	static void start() {
		consul = ConsulProtocolDouble.start();
		inventory = startApplication("inventory-app", "switchboard.registration.service-name=inventory",
				"switchboard.discovery.zone=zone-a", "switchboard.registration.metadata.version=1.4.2");
	}

	@AfterAll
	static void stop() {
		if (inventory != null) {
			inventory.close();
		}
		consul.close();
	}

	@Test
	@Order(1)
	void registersItselfWithSwitchboardPropertiesAndAnHttpHealthCheck() {
		Registration registration = awaitRegistration("inventory");
		assertThat(registration.port()).isEqualTo(port(inventory));
		assertThat(registration.address()).isEqualTo("127.0.0.1");
		assertThat(registration.meta()).containsEntry("zone", "zone-a").containsEntry("version", "1.4.2");
		assertThat(registration.http()).isEqualTo("http://127.0.0.1:" + port(inventory) + "/actuator/health/readiness");
		assertThat(registration.interval()).isEqualTo(Duration.ofSeconds(1));
		// Metadata contributed once the application runs is registered again with the rest.
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(awaitRegistration("inventory").meta()).containsEntry("grpc-port", "9191")
				.containsEntry("zone", "zone-a"));
	}

	@Test
	@Order(2)
	void discoversOnlyInstancesWhoseChecksPass() {
		consul.register("inventory-sick", "inventory", 9, "critical");
		ServiceDiscovery discovery = inventory.getBean(ServiceDiscovery.class);
		assertThat(discovery.backend()).isEqualTo("consul");
		// The HTTP check of the application's own registration passes once the double has called it.
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(discovery.getInstances("inventory")).singleElement()
				.satisfies((instance) -> {
					assertThat(instance.getHost()).isEqualTo("127.0.0.1");
					assertThat(instance.getPort()).isEqualTo(port(inventory));
					assertThat(instance.getMetadata()).containsEntry("zone", "zone-a");
					// The zone the application declared is the zone its clients see.
					assertThat(ZoneAwareLoadBalancer.zoneOf(instance)).isEqualTo("zone-a");
				}));
	}

	@Test
	@Order(3)
	void catalogChangeArrivesThroughTheBlockingQueryWithinASecond() {
		CachingServiceDiscovery discovery = inventory.getBean(CachingServiceDiscovery.class);
		assertThat(discovery.getInstances("orders")).isEmpty();
		int catalogQueries = catalogQueries();
		consul.register("orders-1", "orders", 8181, "passing");
		await().atMost(Duration.ofSeconds(1))
			.pollInterval(Duration.ofMillis(10))
			.untilAsserted(() -> assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getPort)
				.containsExactly(8181));
		// Brought by the catalog watch: its blocking query returned on the change (the refresh interval is 2 s).
		await().atMost(Duration.ofSeconds(1)).until(() -> catalogQueries() > catalogQueries);
	}

	private static int catalogQueries() {
		return (int) consul.requests()
			.stream()
			.filter((request) -> request.path().equals("/v1/catalog/services") && request.query().containsKey("index"))
			.count();
	}

	@Test
	@Order(4)
	void sendsTheAclTokenAndNeverLogsIt(CapturedOutput output) {
		List<RecordedRequest> requests = consul.requests();
		// The application's registration carries the token; the test's own registrations (no token) do not.
		assertThat(requests).filteredOn((request) -> request.path().equals("/v1/agent/service/register"))
			.extracting(RecordedRequest::token)
			.contains(TOKEN)
			.containsOnly(TOKEN, null);
		assertThat(requests).filteredOn((request) -> request.path().startsWith("/v1/health/service/"))
			.isNotEmpty()
			.allSatisfy((request) -> assertThat(request.token()).isEqualTo(TOKEN));
		assertThat(requests)
			.filteredOn((request) -> request.path().equals("/v1/catalog/services") && request.query().containsKey("wait"))
			.isNotEmpty()
			.allSatisfy((request) -> assertThat(request.token()).isEqualTo(TOKEN));
		assertThat(output).doesNotContain(TOKEN);
		assertThat(consul.unhandledRequests()).isEmpty();
	}

	@Test
	@Order(5)
	void deregistersOnGracefulShutdown() {
		ConfigurableApplicationContext billing = startApplication("billing");
		try {
			awaitRegistration("billing");
		}
		finally {
			billing.close();
		}
		assertThat(consul.registrations().values()).extracting(Registration::name).doesNotContain("billing");
		assertThat(consul.requests()).filteredOn((request) -> request.path().startsWith("/v1/agent/service/deregister/"))
			.singleElement()
			.satisfies((request) -> assertThat(request.token()).isEqualTo(TOKEN));
	}

	@Test
	@Order(6)
	void servesLastKnownInstancesAndReportsDownWhileTheAgentIsUnreachable() {
		CachingServiceDiscovery discovery = inventory.getBean(CachingServiceDiscovery.class);
		DiscoveryHealthIndicator health = inventory.getBean("switchboardDiscoveryHealthIndicator",
				DiscoveryHealthIndicator.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances("inventory").size() == 1);
		assertThat(health.health().getStatus()).isEqualTo(Status.UP);

		consul.stop();
		// Spring Cloud Consul's client throws when the agent is unreachable: the cache sees the outage.
		assertThatException().isThrownBy(() -> inventory.getBean(ConsulDiscoveryClient.class).getInstances("inventory"));
		await().atMost(Duration.ofSeconds(5)).until(() -> !discovery.isBackendAvailable());
		Health down = health.health();
		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails()).containsEntry("backend", "consul").containsKeys("outageSince", "lastError");
		assertThat(discovery.getInstances("inventory")).extracting(ServiceInstance::getPort)
			.containsExactly(port(inventory));
		assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getPort).containsExactly(8181);

		consul.restart();
		consul.register("orders-2", "orders", 8282, "passing");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getPort)
				.containsExactlyInAnyOrder(8181, 8282));
		assertThat(discovery.isBackendAvailable()).isTrue();
		assertThat(health.health().getStatus()).isEqualTo(Status.UP);
	}

	private static Registration awaitRegistration(String name) {
		return await().atMost(Duration.ofSeconds(5))
			.until(() -> consul.registrations()
				.values()
				.stream()
				.filter((registration) -> registration.name().equals(name))
				.findFirst()
				.orElse(null), (registration) -> registration != null);
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static ConfigurableApplicationContext startApplication(String name, String... properties) {
		return new SpringApplicationBuilder(ConsulApplication.class).web(WebApplicationType.SERVLET)
			.properties("spring.application.name=" + name, "server.port=0", "server.address=127.0.0.1",
					"switchboard.discovery.type=consul", "switchboard.discovery.refresh-interval=2s",
					"switchboard.registration.prefer-ip-address=true",
					"spring.cloud.consul.host=127.0.0.1", "spring.cloud.consul.port=" + consul.port(),
					"spring.cloud.consul.discovery.ip-address=127.0.0.1",
					"spring.cloud.consul.discovery.health-check-interval=1s",
					"spring.cloud.consul.discovery.catalog-services-watch-delay=100",
					"spring.cloud.consul.discovery.acl-token=" + TOKEN)
			.properties(properties)
			.run();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ConsulApplication {

		// Stands for the gRPC server's port contributor: metadata known only once servers run.
		@org.springframework.context.annotation.Bean
		InstanceMetadataContributor lateMetadata() {
			return () -> java.util.Map.of("grpc-port", "9191");
		}

	}

}
