package dev.switchboard.autoconfigure.client.grpc.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLException;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.client.grpc.proto.InventoryServiceGrpc;
import dev.switchboard.autoconfigure.client.grpc.proto.InventoryServiceGrpc.InventoryServiceBlockingStub;
import dev.switchboard.autoconfigure.client.grpc.proto.Item;
import dev.switchboard.autoconfigure.client.grpc.proto.ItemRequest;
import dev.switchboard.autoconfigure.discovery.InstanceMetadataContributor;
import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.core.annotation.GrpcClient;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * TLS and mutual TLS between discovery-backed gRPC clients and Spring gRPC servers, with certificates made
 * by the test and configured as Spring Boot SSL bundles on both sides.
 *
 * @author Switchboard
 */
class GrpcTlsTests {

	private static Path directory;

	private static TestCertificates certificates;

	private static ConfigurableApplicationContext mutualTlsServer;

	private static ConfigurableApplicationContext tlsServer;

	private static ConfigurableApplicationContext wrongHostServer;

	private static TestCertificates strangers;

	private static ConfigurableApplicationContext client;

	@BeforeAll
	static void start() throws Exception {
		directory = Files.createTempDirectory(Path.of("target"), "tls");
		certificates = new TestCertificates(directory);
		certificates.issue("server");
		certificates.issue("client");
		certificates.issueForOtherHost("elsewhere", "elsewhere.example");
		// A CA the clients do not trust, with a certificate that is right in every other way.
		strangers = new TestCertificates(Files.createTempDirectory(Path.of("target"), "tls-strangers"));
		mutualTlsServer = server("require", "server");
		tlsServer = server("none", "server");
		wrongHostServer = server("none", "elsewhere");
		List<String> properties = new ArrayList<>();
		properties.addAll(bundle("client", "client"));
		properties.addAll(bundle("trust-only", null));
		properties.add("spring.ssl.bundle.pem.trust-strangers.truststore.certificate=file:"
				+ strangers.ca().toAbsolutePath());
		properties.addAll(List.of("switchboard.discovery.static.services.secure[0]=http://127.0.0.1:" + grpcPort(mutualTlsServer),
					"switchboard.discovery.static.services.tls[0]=http://127.0.0.1:" + grpcPort(tlsServer),
					"switchboard.clients.mutual.service-id=secure", "switchboard.clients.mutual.tls.bundle=client",
					"switchboard.clients.no-certificate.service-id=secure",
					"switchboard.clients.no-certificate.tls.bundle=trust-only",
					"switchboard.clients.one-way.service-id=tls", "switchboard.clients.one-way.tls.bundle=trust-only",
					"switchboard.clients.plaintext.service-id=tls",
					"switchboard.discovery.static.services.wrong-host[0]=http://127.0.0.1:" + grpcPort(wrongHostServer),
					"switchboard.clients.untrusted.service-id=tls",
					"switchboard.clients.untrusted.tls.bundle=trust-strangers",
					"switchboard.clients.wrong-host.service-id=wrong-host",
					"switchboard.clients.wrong-host.tls.bundle=trust-only",
					"switchboard.client-defaults.timeout.read=3s"));
		client = new SpringApplicationBuilder(ClientApplication.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	@AfterAll
	static void stop() {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { client, mutualTlsServer,
				tlsServer, wrongHostServer }) {
			if (context != null) {
				context.close();
			}
		}
	}

	@Test
	void mutualTlsWithTheClientsCertificateSucceeds() {
		assertThat(stubs().mutual.getItem(request()).getInstance()).isEqualTo("require");
	}

	@Test
	void mutualTlsServerRefusesAClientWithoutCertificate() {
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> stubs().noCertificate.getItem(request()))
			.satisfies(GrpcTlsTests::isTlsRefusal);
	}

	@Test
	void serverWhoseCertificateIsSignedByAnUntrustedAuthorityIsRefused() {
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> stubs().untrusted.getItem(request()))
			.satisfies(GrpcTlsTests::isTlsRefusal)
			.satisfies((ex) -> assertThat(ex).hasStackTraceContaining("PKIX path"));
	}

	@Test
	void serverWhoseCertificateNamesAnotherHostIsRefused() {
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> stubs().wrongHost.getItem(request()))
			.satisfies(GrpcTlsTests::isTlsRefusal)
			.satisfies((ex) -> assertThat(ex).hasStackTraceContaining("No subject alternative names matching IP address 127.0.0.1"));
	}

	/** A refusal by TLS, not any failure: UNAVAILABLE, caused by an SSL exception. */
	static void isTlsRefusal(StatusRuntimeException ex) {
		assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(causes(ex)).anyMatch(SSLException.class::isInstance);
	}

	static List<Throwable> causes(Throwable ex) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable cause = ex.getCause(); cause != null && !causes.contains(cause); cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

	@Test
	void oneWayTlsVerifiesTheServerAgainstTheBundlesTrustStore() {
		assertThat(stubs().oneWay.getItem(request()).getInstance()).isEqualTo("none");
	}

	@Test
	void plaintextClientCannotTalkToTlsServer() {
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> stubs().plaintext.getItem(request()))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
	}

	@Test
	void unknownBundleFailsStartupNamingTheProperty() {
		assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> new SpringApplicationBuilder(ClientApplication.class).web(WebApplicationType.NONE)
				.properties("switchboard.client-defaults.tls.bundle=nope")
				.run()
				.close())
			.havingRootCause()
			.isInstanceOf(InvalidSwitchboardPropertyException.class)
			.withMessageContaining("switchboard.client-defaults.tls.bundle")
			.withMessageContaining("'nope'");
	}

	private static Stubs stubs() {
		return client.getBean(Stubs.class);
	}

	private static ItemRequest request() {
		return ItemRequest.newBuilder().setSku("sku-1").build();
	}

	private static ConfigurableApplicationContext server(String clientAuth, String certificate) {
		List<String> properties = new ArrayList<>(bundle("server", certificate));
		properties.addAll(List.of("spring.grpc.server.port=0", "spring.grpc.server.host=127.0.0.1",
				"spring.grpc.server.ssl.bundle=server", "spring.grpc.server.ssl.client-auth=" + clientAuth,
				"spring.grpc.server.shutdown-grace-period=1s", "test.server.name=" + clientAuth));
		return new SpringApplicationBuilder(ServerApplication.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	private static int grpcPort(ConfigurableApplicationContext server) {
		return Integer.parseInt(server.getBean(InstanceMetadataContributor.class).metadata().get("grpc-port"));
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

	static class Stubs {

		@GrpcClient("mutual")
		InventoryServiceBlockingStub mutual;

		@GrpcClient("no-certificate")
		InventoryServiceBlockingStub noCertificate;

		@GrpcClient("one-way")
		InventoryServiceBlockingStub oneWay;

		@GrpcClient("plaintext")
		InventoryServiceBlockingStub plaintext;

		@GrpcClient("untrusted")
		InventoryServiceBlockingStub untrusted;

		@GrpcClient("wrong-host")
		InventoryServiceBlockingStub wrongHost;

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ClientApplication {

		@Bean
		Stubs stubs() {
			return new Stubs();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ServerApplication {

		@Bean
		InventoryServiceGrpc.InventoryServiceImplBase inventoryService(
				org.springframework.core.env.Environment environment) {
			String name = environment.getProperty("test.server.name");
			return new InventoryServiceGrpc.InventoryServiceImplBase() {

				@Override
				public void getItem(ItemRequest request, StreamObserver<Item> observer) {
					observer.onNext(Item.newBuilder().setSku(request.getSku()).setInstance(name).build());
					observer.onCompleted();
				}

			};
		}

	}

}
