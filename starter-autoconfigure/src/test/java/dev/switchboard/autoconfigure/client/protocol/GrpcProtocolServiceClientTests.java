package dev.switchboard.autoconfigure.client.protocol;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.discovery.InstanceMetadataContributor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The protocol suite over gRPC, plus what only gRPC has: failover of idempotent calls, the server's health
 * service and the published {@code grpc-port}.
 *
 * @author Switchboard
 */
class GrpcProtocolServiceClientTests extends ServiceClientProtocolSuite {

	private final int deadPort = freePort();

	@Override
	String protocol() {
		return "grpc";
	}

	@Override
	List<String> protocolProperties() {
		// "flaky" lists a port nobody listens on before the live server; instance ports are gRPC ports here.
		return List.of("switchboard.discovery.static.services.flaky[0]=http://127.0.0.1:" + this.deadPort,
				"switchboard.discovery.static.services.flaky[1]=http://127.0.0.1:${spring.grpc.server.port}",
				"switchboard.grpc.server.exports[1]=" + FlakyApi.class.getName());
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

	static class FlakyService implements FlakyApi {

		@Override
		public Item item(String sku) {
			return new Item(sku, "Item " + sku, 1, "grpc");
		}

	}

	@dev.switchboard.core.annotation.ServiceClient("flaky")
	@org.springframework.web.service.annotation.HttpExchange("/items")
	interface FlakyApi {

		@org.springframework.web.service.annotation.GetExchange("/{sku}")
		Item item(@org.springframework.web.bind.annotation.PathVariable("sku") String sku);

	}

}
