package dev.switchboard.autoconfigure.client.rest.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.client.grpc.tls.TestCertificates;
import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.service.annotation.GetExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * TLS for REST service clients from Spring Boot SSL bundles ({@code switchboard.clients.<name>.tls.bundle}): a
 * Tomcat server that needs client certificates accepts the client holding one signed by its CA and refuses the
 * client that only trusts the server; clients refuse a server whose certificate is signed by a CA they do not
 * trust, or names another host. Each refusal is asserted to be a TLS handshake failure, not any failure.
 *
 * @author Switchboard
 */
class RestTlsTests {

	private static TestCertificates certificates;

	private static ConfigurableApplicationContext server;

	private static ConfigurableApplicationContext wrongHostServer;

	private static ConfigurableApplicationContext client;

	@BeforeAll
	static void start() throws Exception {
		Path directory = Files.createTempDirectory(Path.of("target"), "rest-tls");
		certificates = new TestCertificates(directory);
		certificates.issue("server");
		certificates.issue("client");
		certificates.issueForOtherHost("elsewhere", "elsewhere.example");
		// A CA the clients do not trust.
		TestCertificates strangers = new TestCertificates(Files.createTempDirectory(Path.of("target"), "rest-tls-strangers"));
		server = server("server", "need");
		wrongHostServer = server("elsewhere", "none");
		int port = ((WebServerApplicationContext) server).getWebServer().getPort();
		int wrongHostPort = ((WebServerApplicationContext) wrongHostServer).getWebServer().getPort();
		List<String> clientProperties = new ArrayList<>(bundle("client", "client"));
		clientProperties.addAll(bundle("trust-only", null));
		clientProperties.add("spring.ssl.bundle.pem.trust-strangers.truststore.certificate=file:"
				+ strangers.ca().toAbsolutePath());
		clientProperties.addAll(List.of("switchboard.discovery.static.services.secure[0]=https://127.0.0.1:" + port,
				"switchboard.clients.mutual.service-id=secure", "switchboard.clients.mutual.tls.bundle=client",
				"switchboard.clients.no-certificate.service-id=secure",
				"switchboard.clients.no-certificate.tls.bundle=trust-only",
				"switchboard.discovery.static.services.elsewhere[0]=https://127.0.0.1:" + wrongHostPort,
				"switchboard.clients.untrusted.service-id=secure",
				"switchboard.clients.untrusted.tls.bundle=trust-strangers",
				"switchboard.clients.wrong-host.service-id=elsewhere",
				"switchboard.clients.wrong-host.tls.bundle=trust-only",
				"switchboard.client-defaults.retry.max-attempts=1"));
		client = new SpringApplicationBuilder(ClientApplication.class).web(WebApplicationType.NONE)
			.properties(clientProperties.toArray(String[]::new))
			.run();
	}

	private static ConfigurableApplicationContext server(String certificate, String clientAuth) {
		List<String> properties = new ArrayList<>(bundle("server", certificate));
		properties.addAll(List.of("server.port=0", "server.address=127.0.0.1", "server.ssl.bundle=server",
				"server.ssl.client-auth=" + clientAuth, "spring.application.name=secure-inventory"));
		return new SpringApplicationBuilder(ServerApplication.class).web(WebApplicationType.SERVLET)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	@AfterAll
	static void stop() {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { client, server,
				wrongHostServer }) {
			if (context != null) {
				context.close();
			}
		}
	}

	@Test
	void clientWithTheRightCertificateIsAccepted() {
		assertThat(client.getBean(MutualClient.class).item("sku-1")).isEqualTo("sku-1 from a verified client");
	}

	@Test
	void clientWithoutCertificateIsRefused() {
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> client.getBean(NoCertificateClient.class).item("sku-1"))
			.satisfies(RestTlsTests::isTlsRefusal)
			.withMessageContaining("to service 'secure'");
	}

	@Test
	void serverWhoseCertificateIsSignedByAnUntrustedAuthorityIsRefused() {
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> client.getBean(UntrustedClient.class).item("sku-1"))
			.satisfies(RestTlsTests::isTlsRefusal)
			.satisfies((ex) -> assertThat(ex).hasStackTraceContaining("PKIX path"));
	}

	@Test
	void serverWhoseCertificateNamesAnotherHostIsRefused() {
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> client.getBean(WrongHostClient.class).item("sku-1"))
			.satisfies(RestTlsTests::isTlsRefusal)
			// The JDK's and Apache HttpClient's host name checks word it differently.
			.satisfies((ex) -> assertThat(ex).hasStackTraceContaining("127.0.0.1")
				.hasStackTraceContaining("subject alternative names"));
	}

	/**
	 * A refusal by TLS, not any failure: the handshake failed, or (Apache HttpClient checks the host name after
	 * the handshake) the peer was not verified.
	 */
	private static void isTlsRefusal(ResourceAccessException ex) {
		assertThat(ex.getCause()).isInstanceOfAny(SSLHandshakeException.class, SSLPeerUnverifiedException.class);
	}

	private static List<String> bundle(String bundle, String keyName) {
		List<String> properties = new ArrayList<>();
		String prefix = "spring.ssl.bundle.pem." + bundle;
		if (keyName != null) {
			properties.add(prefix + ".keystore.certificate=file:" + certificates.certificate(keyName).toAbsolutePath());
			properties.add(prefix + ".keystore.private-key=file:" + certificates.key(keyName).toAbsolutePath());
		}
		properties.add(prefix + ".truststore.certificate=file:" + certificates.ca().toAbsolutePath());
		return properties;
	}

	@ServiceClient("mutual")
	interface MutualClient {

		@GetExchange("/items/{sku}")
		String item(@PathVariable String sku);

	}

	@ServiceClient("untrusted")
	interface UntrustedClient {

		@GetExchange("/items/{sku}")
		String item(@PathVariable String sku);

	}

	@ServiceClient("wrong-host")
	interface WrongHostClient {

		@GetExchange("/items/{sku}")
		String item(@PathVariable String sku);

	}

	@ServiceClient("no-certificate")
	interface NoCertificateClient {

		@GetExchange("/items/{sku}")
		String item(@PathVariable String sku);

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ClientApplication {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@RestController
	static class ServerApplication {

		@GetMapping("/items/{sku}")
		String item(@PathVariable String sku) {
			return sku + " from a verified client";
		}

	}

}
