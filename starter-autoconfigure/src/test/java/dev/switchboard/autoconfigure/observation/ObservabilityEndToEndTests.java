package dev.switchboard.autoconfigure.observation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.tracing.Tracer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.json.JsonMapper;

import dev.switchboard.core.annotation.ChannelClient;
import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.annotation.Publish;
import dev.switchboard.core.annotation.ServiceClient;
import dev.switchboard.core.channel.MessageContext;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One servlet application with a REST client, a gRPC client (interface over gRPC) and a channel on the memory
 * binder, all calling the application itself. An incoming request with {@code x-request-id: abc} fans out over
 * the three hops; every hop sees the request id and the trace of the incoming request (Brave through Spring
 * Boot's tracing auto-configuration, W3C {@code traceparent}), and each call and message is observed.
 *
 * @author Switchboard
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityEndToEndTests {

	private ConfigurableApplicationContext context;

	private int httpPort;

	private TestObservationRegistry observations;

	private Recorder recorder;

	/**
	 * The binder of the application's channel.
	 * @return the binder name
	 */
	String binder() {
		return "memory";
	}

	/**
	 * Properties the binder needs, such as its broker's address.
	 * @return the properties
	 */
	List<String> binderProperties() {
		return List.of();
	}

	@BeforeAll
	void start() {
		this.httpPort = freePort();
		int grpcPort = freePort();
		this.context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.SERVLET)
			.properties(binderProperties().toArray(String[]::new))
			.properties("switchboard.channel-defaults.binder=" + binder(),"server.port=" + this.httpPort, "server.address=127.0.0.1",
					"spring.grpc.server.port=" + grpcPort, "spring.grpc.server.host=127.0.0.1",
					"spring.grpc.server.shutdown-grace-period=1s", "spring.application.name=ops",
					"management.tracing.sampling.probability=1.0",
					"management.endpoints.web.exposure.include=switchboard",
					"switchboard.discovery.static.services.echo[0]=http://127.0.0.1:" + this.httpPort,
					"switchboard.clients.echo-rest.service-id=echo",
					"switchboard.clients.echo-grpc.service-id=echo", "switchboard.clients.echo-grpc.protocol=grpc",
					"switchboard.clients.echo-grpc.grpc.port=" + grpcPort,
					"switchboard.grpc.server.exports[0]=" + EchoGrpcApi.class.getName())
			.run();
		this.observations = this.context.getBean(TestObservationRegistry.class);
		this.recorder = this.context.getBean(Recorder.class);
	}

	@AfterAll
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void requestIdAndTraceReachTheRestServerTheGrpcServerAndTheMessageConsumer() {
		Map<String, Object> front = front("abc");
		String traceId = (String) front.get("traceId");
		assertThat(traceId).isNotBlank();
		Map<String, Object> rest = map(front.get("rest"));
		assertThat(rest.get("requestId")).isEqualTo("abc");
		assertThat(traceIdOf((String) rest.get("traceparent"))).isEqualTo(traceId);
		Seen grpc = this.recorder.grpc.stream().filter((seen) -> traceId.equals(traceIdOf(seen.traceparent())))
			.findFirst().orElseThrow();
		assertThat(grpc.requestId()).isEqualTo("abc");
		Seen consumed = await().atMost(Duration.ofSeconds(20))
			.until(() -> this.recorder.consumed.stream().filter((seen) -> "abc".equals(seen.requestId())).findFirst()
				.orElse(null), (seen) -> seen != null);
		assertThat(traceIdOf(consumed.traceparent())).isEqualTo(traceId);
		assertThat(consumed.currentTraceId()).isEqualTo(traceId);
	}

	@Test
	void restAndGrpcCallsAndPublishedAndConsumedMessagesAreObserved() {
		front("observed");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.recorder.consumed.stream().anyMatch((seen) -> "observed".equals(seen.requestId())));
		// The consumer observation stops right after the listener returns.
		await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(this.observations)
			.hasAnObservation((observation) -> observation.hasNameEqualTo("switchboard.channel.consume")
				.hasLowCardinalityKeyValue("channel", "echoes")
				.hasLowCardinalityKeyValue("binder", binder())
				.hasLowCardinalityKeyValue("destination", "echoes")
				.hasLowCardinalityKeyValue("group", "ops")
				.hasLowCardinalityKeyValue("outcome", "SUCCESS")
				.hasHighCardinalityKeyValue("delivery.attempt", "1")));
		assertThat(this.observations)
			.hasAnObservation((observation) -> observation.hasNameEqualTo("switchboard.client.calls")
				.hasLowCardinalityKeyValue("client", "echo-rest")
				.hasLowCardinalityKeyValue("method", "echo")
				.hasLowCardinalityKeyValue("protocol", "rest")
				.hasLowCardinalityKeyValue("outcome", "SUCCESS")
				.hasHighCardinalityKeyValue("instance", "127.0.0.1:" + this.httpPort))
			.hasAnObservation((observation) -> observation.hasNameEqualTo("switchboard.client.attempts")
				.hasLowCardinalityKeyValue("client", "echo-rest")
				.hasLowCardinalityKeyValue("attempt", "1")
				.hasLowCardinalityKeyValue("outcome", "SUCCESS"))
			.hasAnObservation((observation) -> observation.hasNameEqualTo("switchboard.client.calls")
				.hasLowCardinalityKeyValue("client", "echo-grpc")
				.hasLowCardinalityKeyValue("method", "echo")
				.hasLowCardinalityKeyValue("protocol", "grpc")
				.hasLowCardinalityKeyValue("outcome", "SUCCESS")
				.hasHighCardinalityKeyValue("instance", "127.0.0.1:" + this.httpPort))
			.hasAnObservation((observation) -> observation.hasNameEqualTo("switchboard.channel.publish")
				.hasLowCardinalityKeyValue("channel", "echoes")
				.hasLowCardinalityKeyValue("binder", binder())
				.hasLowCardinalityKeyValue("destination", "echoes")
				.hasLowCardinalityKeyValue("outcome", "SUCCESS")
				.doesNotHaveHighCardinalityKeyValue("message.id", "none"));
	}

	@Test
	void endpointDescribesClientsChannelsAndDiscovery() {
		front("endpoint");
		String json = RestClient.create("http://127.0.0.1:" + this.httpPort)
			.get()
			.uri("/actuator/switchboard")
			.retrieve()
			.body(String.class);
		Map<String, Object> body = map(JsonMapper.shared().readValue(json, Map.class));
		Map<String, Object> clients = map(body.get("clients"));
		Map<String, Object> rest = map(clients.get("echo-rest"));
		assertThat(rest).containsEntry("protocol", "rest")
			.containsEntry("serviceId", "echo")
			.containsEntry("discoveryBackend", "static")
			.containsEntry("loadBalancer", "P2cEwmaLoadBalancer");
		Map<String, Object> instance = map(((List<?>) rest.get("instances")).get(0));
		assertThat(instance).containsEntry("key", "127.0.0.1:" + this.httpPort)
			.containsEntry("ejected", false)
			.containsKeys("score", "inFlight");
		assertThat(map(rest.get("statistics"))).containsKeys("calls", "attempts", "retries", "hedges",
				"cancelled", "budgetRefusals", "hedgesSkipped");
		assertThat(((Number) map(rest.get("statistics")).get("calls")).longValue()).isPositive();
		assertThat(map(clients.get("echo-grpc"))).containsEntry("protocol", "grpc");
		Map<String, Object> channel = map(map(body.get("channels")).get("echoes"));
		assertThat(channel).containsEntry("binder", binder())
			.containsEntry("destination", "echoes")
			.containsEntry("group", "ops")
			.containsEntry("deadLetterDestination", "echoes.dlq");
		if (!binder().equals("memory")) {
			// A broker binder tells how many publishes it holds (the memory binder holds none).
			assertThat(channel).containsKey("pendingPublishes");
		}
		assertThat(map(body.get("discovery"))).containsEntry("backend", "static")
			.containsEntry("available", true);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (Map<String, Object>) value;
	}

	private Map<String, Object> front(String requestId) {
		return map(RestClient.create("http://127.0.0.1:" + this.httpPort)
			.get()
			.uri("/front")
			.header("x-request-id", requestId)
			.retrieve()
			.body(Map.class));
	}

	private static @Nullable String traceIdOf(@Nullable String traceparent) {
		// W3C traceparent: version-traceid-parentid-flags
		return (traceparent != null) ? traceparent.split("-")[1] : null;
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	record Echo(String word, @Nullable String requestId, @Nullable String traceparent) {
	}

	record Seen(@Nullable String requestId, @Nullable String traceparent, @Nullable String currentTraceId) {
	}

	@ServiceClient("echo-rest")
	@HttpExchange("/echo")
	interface EchoRestApi {

		@GetExchange("/{word}")
		Echo echo(@PathVariable("word") String word);

	}

	@ServiceClient("echo-grpc")
	@HttpExchange("/grpc-echo")
	interface EchoGrpcApi {

		@GetExchange("/{word}")
		Echo echo(@PathVariable("word") String word);

	}

	@ChannelClient
	interface EchoEvents {

		@Publish("echoes")
		void published(String word);

	}

	@RestController
	static class EchoController implements EchoRestApi {

		@Override
		public Echo echo(String word) {
			ServletRequestAttributes attributes = (ServletRequestAttributes) RequestContextHolder
				.currentRequestAttributes();
			return new Echo(word, attributes.getRequest().getHeader("x-request-id"),
					attributes.getRequest().getHeader("traceparent"));
		}

	}

	static class EchoGrpcService implements EchoGrpcApi {

		@Override
		public Echo echo(String word) {
			return new Echo(word, null, null);
		}

	}

	@RestController
	static class FrontController {

		private final EchoRestApi rest;

		private final EchoGrpcApi grpc;

		private final EchoEvents events;

		private final Tracer tracer;

		FrontController(EchoRestApi rest, List<EchoGrpcApi> grpc, EchoEvents events, Tracer tracer) {
			this.rest = rest;
			// The exported implementation is an EchoGrpcApi too: the client is the proxy.
			this.grpc = grpc.stream().filter((bean) -> java.lang.reflect.Proxy.isProxyClass(bean.getClass()))
				.findFirst().orElseThrow();
			this.events = events;
			this.tracer = tracer;
		}

		@GetMapping("/front")
		Map<String, Object> front() {
			Echo rest = this.rest.echo("a");
			Echo grpc = this.grpc.echo("b");
			this.events.published("c");
			return Map.of("traceId", this.tracer.currentSpan().context().traceId(), "rest", rest, "grpc", grpc);
		}

	}

	static class Recorder {

		final Queue<Seen> grpc = new ConcurrentLinkedQueue<>();

		final Queue<Seen> consumed = new ConcurrentLinkedQueue<>();

	}

	static class EchoListener {

		private final Recorder recorder;

		private final Tracer tracer;

		EchoListener(Recorder recorder, Tracer tracer) {
			this.recorder = recorder;
			this.tracer = tracer;
		}

		@ChannelListener("echoes")
		void on(String word, MessageContext context) {
			io.micrometer.tracing.Span span = this.tracer.currentSpan();
			this.recorder.consumed.add(new Seen(context.getHeader("x-request-id"), context.getHeader("traceparent"),
					(span != null) ? span.context().traceId() : null));
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ EchoController.class, FrontController.class })
	static class TestApplication {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.builder()
				.validateObservationsWithTheSameNameHavingTheSameSetOfLowCardinalityKeys(false)
				.build();
		}

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		EchoGrpcService echoGrpcService() {
			return new EchoGrpcService();
		}

		@Bean
		EchoListener echoListener(Recorder recorder, Tracer tracer) {
			return new EchoListener(recorder, tracer);
		}

		@Bean
		@GlobalServerInterceptor
		ServerInterceptor recordingServerInterceptor(Recorder recorder) {
			Metadata.Key<String> requestId = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
			Metadata.Key<String> traceparent = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);
			return new ServerInterceptor() {

				@Override
				public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
						ServerCallHandler<Q, R> next) {
					recorder.grpc.add(new Seen(headers.get(requestId), headers.get(traceparent), null));
					return next.startCall(call, headers);
				}

			};
		}

	}

}
