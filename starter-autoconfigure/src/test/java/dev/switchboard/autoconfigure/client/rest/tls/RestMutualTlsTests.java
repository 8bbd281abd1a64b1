package dev.switchboard.autoconfigure.client.rest.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLException;

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
 * Mutual TLS for REST service clients from Spring Boot SSL bundles ({@code switchboard.clients.<name>.tls.bundle}):
 * a Tomcat server that needs client certificates accepts the client holding one signed by its CA and refuses the
 * client that only trusts the server.
 *
 * @author Switchboard
 */
class RestMutualTlsTests {

	private static TestCertificates certificates;

	private static ConfigurableApplicationContext server;

	private static ConfigurableApplicationContext client;

	@BeforeAll
	static void start() throws Exception {
		Path directory = Files.createTempDirectory(Path.of("target"), "rest-tls");
		certificates = new TestCertificates(directory);
		certificates.issue("server");
		certificates.issue("client");
		List<String> serverProperties = new ArrayList<>(bundle("server", "server"));
		serverProperties.addAll(List.of("server.port=0", "server.address=127.0.0.1", "server.ssl.bundle=server",
				"server.ssl.client-auth=need", "spring.application.name=secure-inventory"));
		server = new SpringApplicationBuilder(ServerApplication.class).web(WebApplicationType.SERVLET)
			.properties(serverProperties.toArray(String[]::new))
			.run();
		int port = ((WebServerApplicationContext) server).getWebServer().getPort();
		List<String> clientProperties = new ArrayList<>(bundle("client", "client"));
		clientProperties.addAll(bundle("trust-only", null));
		clientProperties.addAll(List.of("switchboard.discovery.static.services.secure[0]=https://127.0.0.1:" + port,
				"switchboard.clients.mutual.service-id=secure", "switchboard.clients.mutual.tls.bundle=client",
				"switchboard.clients.no-certificate.service-id=secure",
				"switchboard.clients.no-certificate.tls.bundle=trust-only",
				"switchboard.client-defaults.retry.max-attempts=1"));
		client = new SpringApplicationBuilder(ClientApplication.class).web(WebApplicationType.NONE)
			.properties(clientProperties.toArray(String[]::new))
			.run();
	}

	@AfterAll
	static void stop() {
		if (client != null) {
			client.close();
		}
		if (server != null) {
			server.close();
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
			.satisfies((ex) -> assertThat(ex).hasRootCauseInstanceOf(SSLException.class)
				.hasMessageContaining("to service 'secure'"));
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
