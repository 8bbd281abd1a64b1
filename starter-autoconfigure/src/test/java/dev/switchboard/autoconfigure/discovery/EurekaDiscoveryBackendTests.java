package dev.switchboard.autoconfigure.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import com.netflix.appinfo.DataCenterInfo;
import com.netflix.appinfo.HealthCheckHandler;
import com.netflix.appinfo.InstanceInfo;
import com.netflix.appinfo.InstanceInfo.InstanceStatus;
import com.netflix.appinfo.LeaseInfo;
import com.netflix.appinfo.MyDataCenterInfo;
import com.netflix.discovery.shared.Application;
import com.netflix.eureka.registry.PeerAwareInstanceRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.switchboard.core.balancer.ZoneAwareLoadBalancer;
import dev.switchboard.core.discovery.CachingServiceDiscovery;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the Eureka backend against a real Eureka server started in the test JVM, with Spring Cloud Netflix's
 * own client and registration and Switchboard's properties applied.
 *
 * @author Switchboard
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EurekaDiscoveryBackendTests {

	private static int serverPort;

	private static ConfigurableApplicationContext server;

	private static ConfigurableApplicationContext inventory;

	@BeforeAll
	static void start() throws IOException {
		serverPort = freePort();
		server = startServer();
		inventory = startClient("inventory-app", "switchboard.registration.service-name=inventory",
				"switchboard.discovery.zone=zone-a", "switchboard.registration.prefer-ip-address=true");
	}

	@AfterAll
	static void stop() {
		if (inventory != null) {
			inventory.close();
		}
		if (server != null) {
			server.close();
		}
	}

	@Test
	@Order(1)
	void registersWithSwitchboardPropertiesAndIsDiscoveredThroughServiceDiscovery() {
		InstanceInfo registered = awaitRegistered("INVENTORY");
		assertThat(registered.getPort()).isEqualTo(port(inventory));
		assertThat(registered.getIPAddr()).isEqualTo("127.0.0.1");
		assertThat(registered.getHostName()).isEqualTo("127.0.0.1");
		assertThat(registered.getVIPAddress()).isEqualTo("inventory");
		assertThat(registered.getMetadata()).containsEntry("zone", "zone-a");
		assertThat(registered.getHealthCheckUrl()).endsWith(":" + port(inventory) + "/actuator/health/readiness");

		CachingServiceDiscovery discovery = inventory.getBean(CachingServiceDiscovery.class);
		assertThat(discovery.backend()).isEqualTo("eureka");
		// The registry copy from the client's initial fetch counts as fresh until periodic fetches take over.
		discovery.getInstances("inventory");
		assertThat(discovery.isBackendAvailable()).isTrue();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(discovery.getInstances("inventory")).singleElement()
				.satisfies((instance) -> {
					assertThat(instance.getHost()).isEqualTo("127.0.0.1");
					assertThat(instance.getPort()).isEqualTo(port(inventory));
					assertThat(instance.getMetadata()).containsEntry("zone", "zone-a");
					// The zone the application declared is the zone its clients see.
					assertThat(ZoneAwareLoadBalancer.zoneOf(instance)).isEqualTo("zone-a");
				}));
		// Metadata contributed once the application runs reaches the registry with the next replication.
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(discovery.getInstances("inventory")).singleElement()
				.satisfies((instance) -> assertThat(instance.getMetadata()).containsEntry("grpc-port", "9191")));
	}

	@Test
	@Order(2)
	void deregistersOnGracefulShutdown() {
		ConfigurableApplicationContext billing = startClient("billing");
		try {
			awaitRegistered("BILLING");
		}
		finally {
			billing.close();
		}
		assertThat(registry().getApplication("BILLING")).satisfiesAnyOf((application) -> assertThat(application).isNull(),
				(application) -> assertThat(application.getInstances()).isEmpty());
	}

	@Test
	@Order(3)
	void servesLastKnownInstancesAndReportsDownWhileTheServerIsUnreachable() {
		CachingServiceDiscovery discovery = inventory.getBean(CachingServiceDiscovery.class);
		DiscoveryHealthIndicator health = inventory.getBean("switchboardDiscoveryHealthIndicator",
				DiscoveryHealthIndicator.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> discovery.getInstances("inventory").size() == 1);
		assertThat(health.health().getStatus()).isEqualTo(Status.UP);

		server.close();
		// Eureka's client keeps answering from its registry copy; the age check turns that into an outage.
		await().atMost(Duration.ofSeconds(8)).until(() -> !discovery.isBackendAvailable());
		Health down = health.health();
		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails()).containsEntry("backend", "eureka").containsKey("outageSince");
		assertThat(down.getDetails().get("lastError")).asString().contains("last successful registry fetch");
		assertThat(discovery.getInstances("inventory")).extracting(ServiceInstance::getPort)
			.containsExactly(port(inventory));

		server = startServer();
		registry().register(instance("orders", 8181), false);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getPort)
				.containsExactly(8181));
		await().atMost(Duration.ofSeconds(5)).until(discovery::isBackendAvailable);
		assertThat(health.health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	@Order(4)
	void failingHealthIndicatorLeavesTheInstanceUpInEurekaWhileReadinessDecidesItsStatus() {
		ConfigurableApplicationContext shop = startClient("shop", "eureka.client.healthcheck.enabled=true");
		try {
			assertThat(shop.getBean(HealthCheckHandler.class)).isInstanceOf(ReadinessHealthCheckHandler.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> awaitRegistered("SHOP").getStatus() == InstanceStatus.UP);
			shop.getBean(ToggledBrokerHealth.class).down = true;
			// The fault: the aggregate health is DOWN.
			assertThat(shop.getBean(HealthEndpoint.class).health().getStatus()).isEqualTo(Status.DOWN);

			// Readiness alone moves the registered status, with the broker still down...
			AvailabilityChangeEvent.publish(shop, ReadinessState.REFUSING_TRAFFIC);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> awaitRegistered("SHOP").getStatus() == InstanceStatus.DOWN);
			AvailabilityChangeEvent.publish(shop, ReadinessState.ACCEPTING_TRAFFIC);
			// ...and the instance is UP again in Eureka although the aggregate health stays DOWN.
			await().atMost(Duration.ofSeconds(10)).until(() -> awaitRegistered("SHOP").getStatus() == InstanceStatus.UP);
			assertThat(shop.getBean(HealthEndpoint.class).health().getStatus()).isEqualTo(Status.DOWN);
		}
		finally {
			shop.close();
		}
	}

	private static InstanceInfo awaitRegistered(String app) {
		return await().atMost(Duration.ofSeconds(10)).until(() -> {
			Application application = registry().getApplication(app);
			List<InstanceInfo> instances = (application != null) ? application.getInstances() : List.of();
			return instances.isEmpty() ? null : instances.get(0);
		}, (instance) -> instance != null);
	}

	private static PeerAwareInstanceRegistry registry() {
		return server.getBean(PeerAwareInstanceRegistry.class);
	}

	private static InstanceInfo instance(String name, int port) {
		return InstanceInfo.Builder.newBuilder()
			.setInstanceId(name + "-" + port)
			.setAppName(name.toUpperCase(java.util.Locale.ROOT))
			.setVIPAddress(name)
			.setHostName("127.0.0.1")
			.setIPAddr("127.0.0.1")
			.setPort(port)
			.setStatus(InstanceInfo.InstanceStatus.UP)
			.setDataCenterInfo(new MyDataCenterInfo(DataCenterInfo.Name.MyOwn))
			.setLeaseInfo(LeaseInfo.Builder.newBuilder().setDurationInSecs(90).build())
			.build();
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static ConfigurableApplicationContext startServer() {
		return new SpringApplicationBuilder(EurekaServerApplication.class).web(WebApplicationType.SERVLET)
			.properties("spring.application.name=eureka-server", "server.port=" + serverPort,
					"server.address=127.0.0.1", "eureka.instance.hostname=localhost",
					"eureka.client.register-with-eureka=false", "eureka.client.fetch-registry=false",
					"eureka.client.service-url.defaultZone=http://localhost:" + serverPort + "/eureka/",
					"eureka.server.use-read-only-response-cache=false", "eureka.server.eviction-interval-timer-in-ms=1000",
					"eureka.server.enable-self-preservation=false", "eureka.server.wait-time-in-ms-when-sync-empty=0")
			.run();
	}

	private static ConfigurableApplicationContext startClient(String name, String... properties) {
		return new SpringApplicationBuilder(EurekaClientApplication.class).web(WebApplicationType.SERVLET)
			.properties("spring.application.name=" + name, "server.port=0", "server.address=127.0.0.1",
					"switchboard.discovery.type=eureka", "switchboard.discovery.refresh-interval=500ms",
					"eureka.client.service-url.defaultZone=http://localhost:" + serverPort + "/eureka/",
					"eureka.instance.ip-address=127.0.0.1", "eureka.instance.hostname=127.0.0.1",
					"eureka.client.jersey.enabled=false", "eureka.client.registry-fetch-interval-seconds=1",
					"eureka.client.instance-info-replication-interval-seconds=1",
					"eureka.instance.lease-renewal-interval-in-seconds=1",
					"eureka.instance.lease-expiration-duration-in-seconds=3",
					"eureka.client.eureka-server-connect-timeout-seconds=1",
					"eureka.client.eureka-server-read-timeout-seconds=2", "spring.cloud.loadbalancer.cache.enabled=false")
			.properties(properties)
			.run();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableEurekaServer
	static class EurekaServerApplication {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class EurekaClientApplication {

		// Stands for the gRPC server's port contributor: metadata known only once servers run.
		@org.springframework.context.annotation.Bean
		InstanceMetadataContributor lateMetadata() {
			return () -> java.util.Map.of("grpc-port", "9191");
		}

		@org.springframework.context.annotation.Bean
		ToggledBrokerHealth brokerHealthIndicator() {
			return new ToggledBrokerHealth();
		}

	}

	/**
	 * Stands for a broker's health indicator: DOWN while the broker is out.
	 */
	static final class ToggledBrokerHealth implements org.springframework.boot.health.contributor.HealthIndicator {

		volatile boolean down;

		@Override
		public Health health() {
			return this.down ? Health.down().build() : Health.up().build();
		}

	}

}
