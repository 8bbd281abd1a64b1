package dev.switchboard.autoconfigure.client.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.discovery.InstanceMetadataContributor;

import org.springframework.web.client.ResourceAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The protocol suite over gRPC, plus what only gRPC has: failover of idempotent calls, the server's health
 * service and the published {@code grpc-port}.
 *
 * @author Switchboard
 */
class GrpcProtocolServiceClientTests extends ServiceClientProtocolSuite {

	private final int deadPort = freePort();

	private final UnansweredPort unanswered = new UnansweredPort();

	@Override
	String protocol() {
		return "grpc";
	}

	@Override
	List<String> protocolProperties() {
		// "flaky" lists a port nobody listens on before the live server; instance ports are gRPC ports here.
		return List.of("switchboard.discovery.static.services.flaky[0]=http://127.0.0.1:" + this.deadPort,
				"switchboard.discovery.static.services.flaky[1]=http://127.0.0.1:${spring.grpc.server.port}",
				"switchboard.grpc.server.exports[1]=" + FlakyApi.class.getName(),
				"switchboard.discovery.static.services.unanswered[0]=http://127.0.0.1:" + this.unanswered.port(),
				"switchboard.clients.unanswered.timeout.connect=250ms",
				"switchboard.clients.unanswered.timeout.read=5s",
				"switchboard.clients.unanswered.retry.max-attempts=1");
	}

	@Override
	List<Class<?>> protocolSources() {
		return List.of(FlakyService.class);
	}

	@Test
	void idempotentCallsSucceedWhileOneInstanceIsDown() {
		FlakyApi client = client(FlakyApi.class);
		for (int i = 0; i < 10; i++) {
			assertThat(client.item("sku-" + i).sku()).isEqualTo("sku-" + i);
		}
	}

	@Test
	void nonIdempotentCallsSucceedWhileOneInstanceIsDown() throws IOException {
		// The fault: nothing listens on the first instance's port.
		assertThatExceptionOfType(java.net.ConnectException.class)
			.isThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), this.deadPort).close());
		FlakyApi client = client(FlakyApi.class);
		// The call policy may pin an attempt to the dead instance: the request never leaves, so it goes to the
		// live one whatever the method.
		for (int i = 0; i < 10; i++) {
			assertThat(client.create("sku-" + i).name()).isEqualTo("Created sku-" + i);
		}
	}

	@Test
	void unansweredConnectEndsAtTheConnectTimeoutNotTheDeadline() {
		UnansweredApi client = client(UnansweredApi.class);
		// The fault: a connection attempt to the port is neither accepted nor refused.
		assertThat(this.unanswered.probeTimesOut()).isTrue();
		long start = System.nanoTime();
		assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> client.item("sku"))
			.withMessageContaining("service 'unanswered'");
		Duration waited = Duration.ofNanos(System.nanoTime() - start);
		// Connect timeout 250 ms; the read timeout (the call's deadline) is 5 s.
		assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofMillis(1250));
	}

	@AfterAll
	void closeUnansweredPort() {
		this.unanswered.close();
	}

	@Test
	void serverAnswersHealthChecks() throws Exception {
		context();
		ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + this.grpcPort,
				InsecureChannelCredentials.create()).build();
		try {
			HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
				.withDeadlineAfter(2, TimeUnit.SECONDS)
				.check(HealthCheckRequest.getDefaultInstance());
			assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
		}
		finally {
			channel.shutdownNow();
		}
	}

	@Test
	void runningServerPublishesItsGrpcPortAsInstanceMetadata() {
		Map<String, String> metadata = context().getBean(InstanceMetadataContributor.class).metadata();
		assertThat(metadata).containsExactly(Map.entry("grpc-port", Integer.toString(this.grpcPort)));
	}

	/**
	 * A loopback port whose SYNs go unanswered: a listening socket with a backlog of one that never accepts, its
	 * accept queue filled by connections of its own (Linux then drops further SYNs). starter-test's
	 * {@code UnansweredPort} does the same for users; this module cannot depend on it.
	 */
	static final class UnansweredPort implements AutoCloseable {

		private final ServerSocket server;

		private final List<Socket> fillers = new ArrayList<>();

		UnansweredPort() {
			try {
				this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
				while (this.fillers.size() < 64) {
					Socket filler = new Socket();
					try {
						filler.connect(new InetSocketAddress("127.0.0.1", port()), 200);
						this.fillers.add(filler);
					}
					catch (SocketTimeoutException ex) {
						filler.close();
						return;
					}
				}
				throw new IllegalStateException("SYNs are answered even with a full accept queue");
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		int port() {
			return this.server.getLocalPort();
		}

		boolean probeTimesOut() {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port()), 100);
				return false;
			}
			catch (SocketTimeoutException ex) {
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		}

		@Override
		public void close() {
			for (Socket filler : this.fillers) {
				try {
					filler.close();
				}
				catch (IOException ex) {
					// Closing anyway.
				}
			}
			try {
				this.server.close();
			}
			catch (IOException ex) {
				// Closing anyway.
			}
		}

	}

	@dev.switchboard.core.annotation.ServiceClient("unanswered")
	@org.springframework.web.service.annotation.HttpExchange("/items")
	interface UnansweredApi {

		@org.springframework.web.service.annotation.GetExchange("/{sku}")
		Item item(@org.springframework.web.bind.annotation.PathVariable("sku") String sku);

	}

	static class FlakyService implements FlakyApi {

		@Override
		public Item item(String sku) {
			return new Item(sku, "Item " + sku, 1, "grpc");
		}

		@Override
		public Item create(String sku) {
			return new Item(sku, "Created " + sku, 1, "grpc");
		}

	}

	@dev.switchboard.core.annotation.ServiceClient("flaky")
	@org.springframework.web.service.annotation.HttpExchange("/items")
	interface FlakyApi {

		@org.springframework.web.service.annotation.GetExchange("/{sku}")
		Item item(@org.springframework.web.bind.annotation.PathVariable("sku") String sku);

		@org.springframework.web.service.annotation.PostExchange("/{sku}")
		Item create(@org.springframework.web.bind.annotation.PathVariable("sku") String sku);

	}

}
