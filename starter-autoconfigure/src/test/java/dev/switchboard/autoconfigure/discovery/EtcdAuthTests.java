package dev.switchboard.autoconfigure.discovery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.discovery.etcd.EtcdServiceRegistration;
import dev.switchboard.core.discovery.CachingServiceDiscovery;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The etcd backend against a real etcd with authentication on: a user whose role may read and write only under
 * {@code /switchboard/} registers, discovers and watches; a wrong password makes every call fail, saying so.
 *
 * @author Switchboard
 */
class EtcdAuthTests {

	private static EtcdServer etcd;

	@BeforeAll
	static void start() throws Exception {
		etcd = EtcdServer.start();
		try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
			Auth auth = client.getAuthClient();
			auth.userAdd(bytes("root"), bytes("root-password")).get(5, TimeUnit.SECONDS);
			auth.roleAdd(bytes("root")).get(5, TimeUnit.SECONDS);
			auth.userGrantRole(bytes("root"), bytes("root")).get(5, TimeUnit.SECONDS);
			auth.roleAdd(bytes("switchboard")).get(5, TimeUnit.SECONDS);
			// The range [/switchboard/, /switchboard0): every key under the prefix ('0' follows '/').
			auth.roleGrantPermission(bytes("switchboard"), bytes("/switchboard/"), bytes("/switchboard0"),
					Permission.Type.READWRITE)
				.get(5, TimeUnit.SECONDS);
			auth.userAdd(bytes("inventory"), bytes("s3cret-pw")).get(5, TimeUnit.SECONDS);
			auth.userGrantRole(bytes("inventory"), bytes("switchboard")).get(5, TimeUnit.SECONDS);
			auth.authEnable().get(5, TimeUnit.SECONDS);
		}
	}

	@AfterAll
	static void stop() {
		if (etcd != null) {
			etcd.close();
		}
	}

	@Test
	void aUserAllowedUnderThePrefixRegistersDiscoversAndWatches() throws Exception {
		try (ConfigurableApplicationContext application = start("inventory", "s3cret-pw");
				Client root = Client.builder()
					.endpoints(etcd.endpoint())
					.user(bytes("root"))
					.password(bytes("root-password"))
					.build()) {
			EtcdServiceRegistration registration = application.getBean(EtcdServiceRegistration.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> registration.registeredKey() != null);
			CachingServiceDiscovery discovery = application.getBean(CachingServiceDiscovery.class);
			assertThat(discovery.getInstances("inventory")).extracting(ServiceInstance::getPort).containsExactly(18281);
			root.getKVClient()
				.put(bytes("/switchboard/services/inventory/other"), bytes("{\"host\":\"127.0.0.1\",\"port\":18282}"))
				.get(5, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(1))
				.untilAsserted(() -> assertThat(discovery.getInstances("inventory")).extracting(ServiceInstance::getPort)
					.containsExactlyInAnyOrder(18281, 18282));
		}
	}

	@Test
	void aWrongPasswordFailsEveryCallAndSaysWhy() {
		try (ConfigurableApplicationContext application = start("inventory", "wrong")) {
			CachingServiceDiscovery discovery = application.getBean(CachingServiceDiscovery.class);
			assertThat(discovery.getInstances("inventory")).isEmpty();
			await().atMost(Duration.ofSeconds(5)).until(() -> !discovery.isBackendAvailable());
			assertThat(discovery.getOutageCause()).hasMessageContaining("authentication failed")
				.hasMessageContaining("switchboard.discovery.etcd.user and .password")
				.message()
				.doesNotContain("wrong");
			assertThat(application.getBean(EtcdServiceRegistration.class).registeredKey()).isNull();
		}
	}

	private static ConfigurableApplicationContext start(String user, String password) {
		return new SpringApplicationBuilder(EtcdDiscoveryBackendTests.EtcdApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.application.name=inventory", "switchboard.discovery.type=etcd",
					"switchboard.discovery.etcd.endpoints=" + etcd.endpoint(),
					"switchboard.discovery.etcd.user=" + user, "switchboard.discovery.etcd.password=" + password,
					"switchboard.discovery.etcd.call-timeout=1s", "switchboard.discovery.lookup-timeout=2s",
					"switchboard.discovery.refresh-interval=1m", "switchboard.registration.port=18281",
					"server.address=127.0.0.1")
			.run();
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

}
