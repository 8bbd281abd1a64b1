package dev.switchboard.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;

import dev.switchboard.autoconfigure.client.grpc.SwitchboardGrpcChannelFactory;
import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.service.annotation.GetExchange;

/**
 * The gRPC rows of the benchmark: a call on a Switchboard-resolved channel ({@code switchboard://} target,
 * discovery and balancer) against the same call on a raw grpc-java channel to a fixed address, and one
 * {@code @ServiceClient} interface called over gRPC against the same interface called over REST.
 *
 * @author Switchboard
 */
final class GrpcBenchmark {

	/** A unary method carrying raw bytes, so both channels pay the same (no) serialization. */
	static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
		.setType(MethodDescriptor.MethodType.UNARY)
		.setFullMethodName("bench.Echo/Get")
		.setRequestMarshaller(new BytesMarshaller())
		.setResponseMarshaller(new BytesMarshaller())
		.build();

	private GrpcBenchmark() {
	}

	static Map<String, ClosedLoop.Call> contenders(ConfigurableApplicationContext context, int grpcPort) {
		ManagedChannel raw = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
		context.addApplicationListener((event) -> {
			if (event instanceof org.springframework.context.event.ContextClosedEvent) {
				raw.shutdownNow();
			}
		});
		Channel resolved = context.getBean(SwitchboardGrpcChannelFactory.class).channel("grpc-echo");
		byte[] payload = ("{\"id\":\"1\",\"name\":\"benchmark item\",\"available\":42,\"warehouse\":\"loopback\","
				+ "\"price\":1999}").getBytes(StandardCharsets.UTF_8);
		GrpcItems overGrpc = context.getBean(GrpcItems.class);
		RestItems overRest = context.getBean(RestItems.class);
		Map<String, ClosedLoop.Call> contenders = new LinkedHashMap<>();
		contenders.put("raw grpc-java channel, fixed address", (i) -> call(raw, payload));
		contenders.put("Switchboard-resolved channel (switchboard://)", (i) -> call(resolved, payload));
		contenders.put("@ServiceClient interface over REST", (i) -> overRest.item(String.valueOf(i)));
		contenders.put("@ServiceClient interface over gRPC", (i) -> overGrpc.item(String.valueOf(i)));
		return contenders;
	}

	private static byte[] call(Channel channel, byte[] payload) {
		return ClientCalls.blockingUnaryCall(channel, ECHO,
				CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), payload);
	}

	static ConfigurableApplicationContext start(String restUrl, int grpcPort) {
		return new SpringApplicationBuilder(GrpcBenchmarkConfiguration.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "logging.level.root=warn",
					"spring.http.clients.imperative.factory=http-components", "spring.grpc.server.port=" + grpcPort,
					"spring.grpc.server.host=127.0.0.1", "spring.grpc.server.shutdown-grace-period=0s",
					"switchboard.grpc.server.exports[0]=" + GrpcItems.class.getName(),
					"switchboard.discovery.static.services.grpc-echo[0]=http://127.0.0.1:" + grpcPort,
					"switchboard.discovery.static.services.grpc-items[0]=http://127.0.0.1:" + grpcPort,
					"switchboard.discovery.static.services.rest-items[0]=" + restUrl,
					"switchboard.clients.grpc-items.protocol=grpc",
					"switchboard.client-defaults.timeout.read=5s")
			.run();
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The item both interfaces return; the REST server sends the same fields as JSON. */
	record Item(String id, String name, int available, String warehouse, int price) {
	}

	@ServiceClient("rest-items")
	interface RestItems {

		@GetExchange("/items/{id}")
		Item item(@PathVariable("id") String id);

	}

	@ServiceClient("grpc-items")
	interface GrpcItems {

		@GetExchange("/items/{id}")
		Item item(@PathVariable("id") String id);

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class GrpcBenchmarkConfiguration {

		/** Serves {@link GrpcItems} over gRPC (exported through switchboard.grpc.server.exports). */
		@Bean
		ItemsService itemsService() {
			return new ItemsService();
		}

		/** The raw echo service both channel contenders call. */
		@Bean
		BindableService echoService() {
			return () -> ServerServiceDefinition.builder("bench.Echo")
				.addMethod(ECHO, ServerCalls.asyncUnaryCall((request, observer) -> {
					observer.onNext(request);
					observer.onCompleted();
				}))
				.build();
		}

	}

	static final class ItemsService implements GrpcItems {

		@Override
		public Item item(String id) {
			return new Item(id, "benchmark item", 42, "loopback", 1999);
		}

	}

	private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {

		@Override
		public InputStream stream(byte[] value) {
			return new ByteArrayInputStream(value);
		}

		@Override
		public byte[] parse(InputStream stream) {
			try {
				return stream.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
