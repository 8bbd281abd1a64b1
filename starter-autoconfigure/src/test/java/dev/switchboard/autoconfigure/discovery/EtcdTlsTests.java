package dev.switchboard.autoconfigure.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.switchboard.autoconfigure.discovery.etcd.EtcdServiceRegistration;
import dev.switchboard.core.discovery.CachingServiceDiscovery;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The etcd backend over TLS, against a real etcd serving https with a certificate from a test CA: with
 * {@code ssl-bundle} naming a Spring Boot PEM bundle that trusts the CA, registration and lookups work; without
 * it (the JDK's trust store, which does not know the CA) every call fails and the error says so.
 *
 * @author Switchboard
 */
class EtcdTlsTests {

	@TempDir
	static Path certificates;

	private static EtcdServer etcd;

	@BeforeAll
	static void start() throws Exception {
		openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
				"-subj", "/CN=switchboard-test-ca");
		openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
				"/CN=127.0.0.1");
		Files.writeString(certificates.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1\n");
		openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
				"server.pem", "-days", "2", "-extfile", "ext.cnf");
		etcd = EtcdServer.startTls(certificates.resolve("server.pem"), certificates.resolve("server.key"));
	}

	@AfterAll
	static void stop() {
		if (etcd != null) {
			etcd.close();
		}
	}

	@Test
	void registersAndDiscoversOverTlsWithAnSslBundle() {
		assertThat(etcd.endpoint()).startsWith("https://");
		try (ConfigurableApplicationContext application = start("secure",
				"switchboard.discovery.etcd.ssl-bundle=etcd-ca",
				"spring.ssl.bundle.pem.etcd-ca.truststore.certificate=file:" + certificates.resolve("ca.pem"))) {
			EtcdServiceRegistration registration = application.getBean(EtcdServiceRegistration.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> registration.registeredKey() != null);
			CachingServiceDiscovery discovery = application.getBean(CachingServiceDiscovery.class);
			assertThat(discovery.getInstances("secure")).extracting(ServiceInstance::getPort).containsExactly(18181);
			assertThat(discovery.isBackendAvailable()).isTrue();
		}
	}

	@Test
	void withoutTrustForTheCertificateEveryCallFails() {
		try (ConfigurableApplicationContext application = start("untrusting")) {
			CachingServiceDiscovery discovery = application.getBean(CachingServiceDiscovery.class);
			assertThat(discovery.getInstances("untrusting")).isEmpty();
			await().atMost(Duration.ofSeconds(5)).until(() -> !discovery.isBackendAvailable());
			assertThat(discovery.getOutageCause()).hasMessageContaining(etcd.endpoint());
			assertThat(application.getBean(EtcdServiceRegistration.class).registeredKey()).isNull();
		}
	}

	private static ConfigurableApplicationContext start(String name, String... properties) {
		return new SpringApplicationBuilder(EtcdDiscoveryBackendTests.EtcdApplication.class)
			.web(WebApplicationType.NONE)
			.properties("spring.application.name=" + name, "switchboard.discovery.type=etcd",
					"switchboard.discovery.etcd.endpoints=" + etcd.endpoint(),
					"switchboard.discovery.etcd.call-timeout=1s", "switchboard.discovery.lookup-timeout=2s",
					"switchboard.registration.port=18181", "server.address=127.0.0.1")
			.properties(properties)
			.run();
	}

	private static void openssl(String... arguments) throws IOException, InterruptedException {
		List<String> command = new java.util.ArrayList<>(List.of("openssl"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).directory(certificates.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as(output).isZero();
	}

}
