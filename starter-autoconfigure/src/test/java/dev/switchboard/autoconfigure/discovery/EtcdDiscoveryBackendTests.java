package dev.switchboard.autoconfigure.discovery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.switchboard.autoconfigure.discovery.etcd.EtcdServiceRegistration;
import dev.switchboard.core.discovery.CachingServiceDiscovery;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the etcd backend against a real etcd ({@link EtcdServer}): registration under a lease, deregistration,
 * lease expiry, watch-driven updates, an etcd crash and restart. The refresh interval is a minute, so every
 * change seen within a second was brought by the watch.
 *
 * @author Switchboard
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EtcdDiscoveryBackendTests {

	private static final String PREFIX = "/switchboard/services/";

	private static EtcdServer etcd;

	private static Client etcdClient;

	private static ConfigurableApplicationContext inventory;

	@BeforeAll
	static void start() {
		etcd = EtcdServer.start();
		etcdClient = Client.builder().endpoints(etcd.endpoint()).build();
		inventory = startApplication("inventory", 18081, "switchboard.registration.metadata.zone=zone-a",
				"switchboard.registration.metadata.version=1.4.2");
	}

	@AfterAll
	static void stop() {
		if (inventory != null) {
			inventory.close();
		}
		if (etcdClient != null) {
			etcdClient.close();
		}
		if (etcd != null) {
			etcd.close();
		}
	}

	@Test
	@Order(1)
	void registersUnderALeaseVisibleToEtcdAndToClients() throws Exception {
		KeyValue registration = awaitKey(PREFIX + "inventory/127.0.0.1:18081");
		assertThat(registration.getValue().toString(StandardCharsets.UTF_8)).contains("\"host\":\"127.0.0.1\"",
				"\"port\":18081", "\"scheme\":\"http\"", "\"zone\":\"zone-a\"", "\"version\":\"1.4.2\"",
				"\"grpc-port\":\"9191\"");
		assertThat(registration.getLease()).isNotZero();
		long ttl = etcdClient.getLeaseClient()
			.timeToLive(registration.getLease(), LeaseOption.DEFAULT)
			.get(5, TimeUnit.SECONDS)
			.getGrantedTTL();
		assertThat(ttl).isEqualTo(2);
		Health registered = inventory.getBean("switchboardEtcdRegistrationHealthIndicator", EtcdRegistrationHealthIndicator.class)
			.health();
		assertThat(registered.getStatus()).isEqualTo(Status.UP);
		assertThat(registered.getDetails()).containsEntry("key", PREFIX + "inventory/127.0.0.1:18081");

		CachingServiceDiscovery discovery = inventory.getBean(CachingServiceDiscovery.class);
		assertThat(discovery.backend()).isEqualTo("etcd");
		assertThat(discovery.getInstances("inventory")).singleElement().satisfies((instance) -> {
			assertThat(instance.getInstanceId()).isEqualTo("127.0.0.1:18081");
			assertThat(instance.getUri()).hasToString("http://127.0.0.1:18081");
			assertThat(instance.getMetadata()).containsEntry("zone", "zone-a").containsEntry("grpc-port", "9191");
		});
	}

	@Test
	@Order(2)
	void aPutAndADeleteByHandArriveThroughTheWatchWithinASecond() throws Exception {
		CachingServiceDiscovery discovery = inventory.getBean(CachingServiceDiscovery.class);
		assertThat(discovery.getInstances("orders")).isEmpty();
		put(PREFIX + "orders/orders-1", "{\"host\":\"127.0.0.1\",\"port\":8181,\"zone\":\"zone-b\"}");
		await().atMost(Duration.ofSeconds(1))
			.pollInterval(Duration.ofMillis(10))
			.untilAsserted(() -> assertThat(discovery.getInstances("orders")).singleElement().satisfies((instance) -> {
				assertThat(instance.getPort()).isEqualTo(8181);
				assertThat(instance.getMetadata()).containsEntry("zone", "zone-b");
			}));
		// A value that is no instance is skipped; the good ones stay.
		put(PREFIX + "orders/broken", "not json");
		put(PREFIX + "orders/orders-2", "{\"host\":\"127.0.0.1\",\"port\":8282,\"secure\":true}");
		await().atMost(Duration.ofSeconds(1))
			.pollInterval(Duration.ofMillis(10))
			.untilAsserted(() -> assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getUri)
				.extracting(Object::toString)
				.containsExactlyInAnyOrder("http://127.0.0.1:8181", "https://127.0.0.1:8282"));
		delete(PREFIX + "orders/orders-2");
		delete(PREFIX + "orders/broken");
		await().atMost(Duration.ofSeconds(1))
			.pollInterval(Duration.ofMillis(10))
			.untilAsserted(() -> assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getPort)
				.containsExactly(8181));
	}

	@Test
	@Order(3)
	void deregistersOnGracefulShutdown() throws Exception {
		ConfigurableApplicationContext billing = startApplication("billing", 18082);
		CachingServiceDiscovery discovery = inventory.getBean(CachingServiceDiscovery.class);
		try {
			awaitKey(PREFIX + "billing/127.0.0.1:18082");
			await().atMost(Duration.ofSeconds(1)).until(() -> discovery.getInstances("billing").size() == 1);
		}
		finally {
			billing.close();
		}
		// Gone at once (the lease is 2 s: waiting for it to expire would also pass after 2 s, not now).
		assertThat(get(PREFIX + "billing/")).isEmpty();
		await().atMost(Duration.ofSeconds(1))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> discovery.getInstances("billing").isEmpty());
	}

	@Test
	@Order(4)
	void anApplicationThatDiesWithoutDeregisteringDisappearsWhenItsLeaseExpires() throws Exception {
		ConfigurableApplicationContext payments = startApplication("payments", 18083);
		try {
			awaitKey(PREFIX + "payments/127.0.0.1:18083");
			// The application's connection to etcd dies: no more keep-alives, no deregistration.
			Client client = payments.getBean(Client.class);
			client.close();
			assertThatException().isThrownBy(() -> client.getKVClient().get(bytes("x")).get(1, TimeUnit.SECONDS));
			long died = System.nanoTime();
			assertThat(get(PREFIX + "payments/")).hasSize(1);
			await().atMost(Duration.ofSeconds(6))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> get(PREFIX + "payments/").isEmpty());
			// Removed by the lease's expiry (TTL 2 s), not by anything the application did.
			assertThat(Duration.ofNanos(System.nanoTime() - died)).isGreaterThan(Duration.ofMillis(1000));
			CachingServiceDiscovery discovery = inventory.getBean(CachingServiceDiscovery.class);
			assertThat(discovery.getInstances("payments")).isEmpty();
		}
		finally {
			long closing = System.nanoTime();
			payments.close();
			assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(3));
		}
	}

	@Test
	@Order(5)
	void keepsTheLastKnownInstancesWhileEtcdIsDownAndResumesTheWatchWhenItIsBack() throws Exception {
		CachingServiceDiscovery discovery = inventory.getBean(CachingServiceDiscovery.class);
		DiscoveryHealthIndicator health = inventory.getBean("switchboardDiscoveryHealthIndicator",
				DiscoveryHealthIndicator.class);
		await().atMost(Duration.ofSeconds(2)).until(() -> discovery.getInstances("inventory").size() == 1);
		assertThat(health.health().getStatus()).isEqualTo(Status.UP);

		etcd.kill();
		assertThat(etcd.isRunning()).isFalse();
		assertThatException()
			.isThrownBy(() -> etcdClient.getKVClient().get(bytes(PREFIX)).get(2, TimeUnit.SECONDS));
		discovery.refresh();
		await().atMost(Duration.ofSeconds(5)).until(() -> !discovery.isBackendAvailable());
		Health down = health.health();
		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails()).containsEntry("backend", "etcd").containsKeys("outageSince", "lastError");
		assertThat(String.valueOf(down.getDetails().get("lastError"))).contains("switchboard.discovery.etcd.endpoints");
		assertThat(discovery.getInstances("inventory")).extracting(ServiceInstance::getPort).containsExactly(18081);
		assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getPort).containsExactly(8181);

		etcd.restart();
		put(PREFIX + "orders/orders-3", "{\"host\":\"127.0.0.1\",\"port\":8383}");
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.untilAsserted(() -> assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getPort)
				.containsExactlyInAnyOrder(8181, 8383));
		assertThat(discovery.isBackendAvailable()).isTrue();
		assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		// The watch is live again: a change now arrives within a second.
		put(PREFIX + "orders/orders-4", "{\"host\":\"127.0.0.1\",\"port\":8484}");
		await().atMost(Duration.ofSeconds(1))
			.pollInterval(Duration.ofMillis(10))
			.untilAsserted(() -> assertThat(discovery.getInstances("orders")).extracting(ServiceInstance::getPort)
				.contains(8484));
		// The application's own registration survived the restart, or was made again under a new lease.
		EtcdServiceRegistration registration = inventory.getBean(EtcdServiceRegistration.class);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> (PREFIX + "inventory/127.0.0.1:18081").equals(registration.registeredKey()));
		KeyValue key = awaitKey(PREFIX + "inventory/127.0.0.1:18081");
		assertThat(etcdClient.getLeaseClient().timeToLive(key.getLease(), LeaseOption.DEFAULT).get(5, TimeUnit.SECONDS).getTTL())
			.isPositive();
	}

	@Test
	@Order(6)
	void startsAndServesNothingWhenEtcdIsUnreachableAndSaysWhere() throws Exception {
		int closedPort = EtcdServer.freePort();
		long starting = System.nanoTime();
		ConfigurableApplicationContext lonely = new SpringApplicationBuilder(EtcdApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.application.name=lonely", "switchboard.discovery.type=etcd",
					"switchboard.discovery.etcd.endpoints=http://127.0.0.1:" + closedPort,
					"switchboard.discovery.etcd.call-timeout=500ms", "switchboard.discovery.lookup-timeout=1s",
					"switchboard.registration.port=18084", "server.address=127.0.0.1")
			.run();
		try {
			assertThat(Duration.ofNanos(System.nanoTime() - starting)).isLessThan(Duration.ofSeconds(10));
			CachingServiceDiscovery discovery = lonely.getBean(CachingServiceDiscovery.class);
			assertThat(discovery.getInstances("inventory")).isEmpty();
			await().atMost(Duration.ofSeconds(3)).until(() -> !discovery.isBackendAvailable());
			assertThat(discovery.getOutageCause()).hasMessageContaining("http://127.0.0.1:" + closedPort)
				.hasMessageContaining("switchboard.discovery.etcd.endpoints");
			EtcdRegistrationHealthIndicator registration = lonely.getBean(EtcdRegistrationHealthIndicator.class);
			await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
				Health health = registration.health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(String.valueOf(health.getDetails().get("lastError")))
					.contains("http://127.0.0.1:" + closedPort);
			});
		}
		finally {
			long closing = System.nanoTime();
			lonely.close();
			assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(3));
		}
	}

	@Test
	@Order(7)
	void aHungEtcdHoldsNoLookupStartupOrShutdownForLongerThanItsDeadlines() throws Exception {
		CachingServiceDiscovery discovery = inventory.getBean(CachingServiceDiscovery.class);
		await().atMost(Duration.ofSeconds(5)).until(discovery::isBackendAvailable);
		etcd.freeze();
		try {
			// Frozen: the connection is open and nothing answers.
			assertThatException()
				.isThrownBy(() -> etcdClient.getKVClient().get(bytes(PREFIX)).get(1, TimeUnit.SECONDS))
				.isInstanceOf(java.util.concurrent.TimeoutException.class);
			long refreshing = System.nanoTime();
			discovery.refresh();
			// lookup-timeout is 2 s, call-timeout 1 s.
			assertThat(Duration.ofNanos(System.nanoTime() - refreshing)).isLessThan(Duration.ofMillis(2500));
			assertThat(discovery.isBackendAvailable()).isFalse();
			assertThat(discovery.getOutageCause()).hasMessageContaining("did not answer within 1000 ms")
				.hasMessageContaining("switchboard.discovery.etcd.call-timeout");
			assertThat(discovery.getInstances("inventory")).extracting(ServiceInstance::getPort).containsExactly(18081);

			long starting = System.nanoTime();
			ConfigurableApplicationContext late = startApplication("late", 18085);
			assertThat(Duration.ofNanos(System.nanoTime() - starting)).isLessThan(Duration.ofSeconds(10));
			assertThat(late.getBean(CachingServiceDiscovery.class).getInstances("inventory")).isEmpty();
			long closing = System.nanoTime();
			late.close();
			// Deregistration waits at most twice the call timeout.
			assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(4));
		}
		finally {
			etcd.thaw();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			discovery.refresh();
			return discovery.isBackendAvailable();
		});
		EtcdServiceRegistration registration = inventory.getBean(EtcdServiceRegistration.class);
		await().atMost(Duration.ofSeconds(15))
			.until(() -> (PREFIX + "inventory/127.0.0.1:18081").equals(registration.registeredKey())
					&& !get(PREFIX + "inventory/").isEmpty());
	}

	private static KeyValue awaitKey(String key) {
		return await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> get(key).stream().findFirst().orElse(null), (value) -> value != null);
	}

	private static List<KeyValue> get(String prefix) throws Exception {
		return etcdClient.getKVClient()
			.get(bytes(prefix), GetOption.builder().isPrefix(true).build())
			.get(5, TimeUnit.SECONDS)
			.getKvs();
	}

	private static void put(String key, String value) throws Exception {
		etcdClient.getKVClient().put(bytes(key), bytes(value)).get(5, TimeUnit.SECONDS);
	}

	private static void delete(String key) throws Exception {
		etcdClient.getKVClient().delete(bytes(key)).get(5, TimeUnit.SECONDS);
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	static ConfigurableApplicationContext startApplication(String name, int port, String... properties) {
		return new SpringApplicationBuilder(EtcdApplication.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=" + name, "switchboard.discovery.type=etcd",
					"switchboard.discovery.etcd.endpoints=" + etcd.endpoint(),
					"switchboard.discovery.etcd.lease-ttl=2s", "switchboard.discovery.etcd.call-timeout=1s",
					"switchboard.discovery.refresh-interval=1m", "switchboard.discovery.lookup-timeout=2s",
					"switchboard.registration.port=" + port, "server.address=127.0.0.1")
			.properties(properties)
			.run();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class EtcdApplication {

		// Stands for the gRPC server's port contributor: metadata known only once servers run.
		@Bean
		InstanceMetadataContributor lateMetadata() {
			return () -> Map.of("grpc-port", "9191");
		}

	}

}
