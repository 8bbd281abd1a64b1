package dev.switchboard.autoconfigure.client.hedging;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Context;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.switchboard.autoconfigure.client.ClientStatistics;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.autoconfigure.client.grpc.GrpcCancellation;
import dev.switchboard.autoconfigure.grpc.internal.Reply;
import dev.switchboard.autoconfigure.grpc.internal.ServiceInterfaceContract;
import dev.switchboard.autoconfigure.grpc.internal.ServiceInterfaceContract.ContractMethod;
import dev.switchboard.autoconfigure.metrics.ServiceClientMetrics;
import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hedging of {@code @ServiceClient} interfaces with {@code protocol: grpc}, against two real gRPC servers on
 * loopback serving the interfaces' contract, one of them slow for the calls that name it.
 *
 * @author Switchboard
 */
class GrpcServiceClientHedgingTests {

	private static InterfaceServer fast;

	private static InterfaceServer slow;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() throws IOException {
		fast = new InterfaceServer("fast");
		slow = new InterfaceServer("slow");
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties("switchboard.client-defaults.protocol=grpc",
					"switchboard.client-defaults.load-balancer=round-robin",
					"switchboard.client-defaults.hedge.enabled=true", "switchboard.client-defaults.hedge.delay=50ms",
					"switchboard.discovery.static.services.items[0]=http://127.0.0.1:" + slow.port(),
					"switchboard.discovery.static.services.items[1]=http://127.0.0.1:" + fast.port(),
					"switchboard.clients.hedged.service-id=items", "switchboard.clients.stingy.service-id=items",
					"switchboard.clients.stingy.retry.budget.min-per-second=0",
					"switchboard.clients.stingy.retry.budget.percent=0")
			.run();
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		fast.close();
		slow.close();
	}

	@Test
	void slowIdempotentCallIsHedgedOnTheOtherInstanceAndTheSlowCallCancelled() {
		HedgedApi client = connected(context.getBean(HedgedApi.class));
		ClientStatistics statistics = statistics("hedged");
		MeterRegistry meters = new SimpleMeterRegistry();
		new ServiceClientMetrics(context.getBean(ServiceClientRuntimes.class)).bindTo(meters);
		double hedgesBefore = hedgeMeter(meters);
		long cancelledBefore = statistics.getCancelled();
		int slowBefore = slow.calls();
		int slowCancelledBefore = slow.cancelled();
		// Round-robin sends first attempts to the slow instance too; each is hedged on the fast one, which wins.
		for (int i = 0; i < 4; i++) {
			long start = System.nanoTime();
			assertThat(client.item("slow-at:slow").instance()).isEqualTo("fast");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(400));
		}
		// The fault happened: attempts reached the slow instance, and each was cancelled there.
		int slowCalls = slow.calls() - slowBefore;
		assertThat(slowCalls).isPositive();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(slow.cancelled() - slowCancelledBefore).isEqualTo(slowCalls));
		// Every hedge was metered, and every hedged call's loser (on a loaded machine, now and then a hedge that
		// lost to a first attempt slower than the delay) was counted as cancelled.
		double hedges = hedgeMeter(meters) - hedgesBefore;
		assertThat(hedges).isGreaterThanOrEqualTo(slowCalls).isLessThanOrEqualTo(4);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(statistics.getCancelled() - cancelledBefore).isEqualTo((long) hedges));
	}

	@Test
	void slowCallOfAMethodThatIsNotIdempotentIsNotHedged() {
		HedgedApi client = connected(context.getBean(HedgedApi.class));
		long hedgesBefore = statistics("hedged").getHedges();
		List<String> answers = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			long start = System.nanoTime();
			String instance = client.reserve("slow-at:slow").instance();
			answers.add(instance);
			if (instance.equals("slow")) {
				// Nothing raced the slow attempt: the call waited for it.
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
			}
		}
		// The fault happened: the slow instance answered.
		assertThat(answers).contains("slow");
		assertThat(statistics("hedged").getHedges()).isEqualTo(hedgesBefore);
	}

	@Test
	void hedgeRefusedByTheRetryBudgetIsCountedAndNotSent() {
		StingyApi client = context.getBean(StingyApi.class);
		ClientStatistics statistics = statistics("stingy");
		long refusalsBefore = statistics.getBudgetRefusals();
		int callsBefore = fast.calls() + slow.calls();
		// Slow everywhere: the hedge is due whichever instance the call goes to.
		assertThat(client.item("slow-everywhere").sku()).isEqualTo("slow-everywhere");
		assertThat(statistics.getBudgetRefusals() - refusalsBefore).isOne();
		assertThat(statistics.getHedges()).isZero();
		assertThat(fast.calls() + slow.calls() - callsBefore).isOne();
	}

	/**
	 * The client once both instances answered it, so that an attempt pinned to either is served by it.
	 */
	private static HedgedApi connected(HedgedApi client) {
		Set<String> answered = new HashSet<>();
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			answered.add(client.item("warm-up").instance());
			return answered.size() == 2;
		});
		return client;
	}

	private static double hedgeMeter(MeterRegistry meters) {
		return meters.get(ServiceClientMetrics.HEDGES).tags("client", "hedged", "outcome", "sent").functionCounter()
			.count();
	}

	private static ClientStatistics statistics(String client) {
		return context.getBean(ServiceClientRuntimes.class).asMap().get(client).getStatistics();
	}

	record Item(String sku, String instance) {
	}

	@ServiceClient("hedged")
	@HttpExchange("/items")
	interface HedgedApi {

		@GetExchange("/{sku}")
		Item item(@PathVariable("sku") String sku);

		@PostExchange("/{sku}")
		Item reserve(@PathVariable("sku") String sku);

	}

	@ServiceClient("stingy")
	@HttpExchange("/items")
	interface StingyApi {

		@GetExchange("/{sku}")
		Item item(@PathVariable("sku") String sku);

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

	/**
	 * A gRPC server (Netty, random loopback port) serving both interfaces' contracts: answers name the server;
	 * {@code slow-at:<name>} is answered after 500 ms by the named server, {@code slow-everywhere} after 200 ms
	 * by every server; a delayed call the client cancels is counted and not answered.
	 */
	static final class InterfaceServer implements AutoCloseable {

		private final String name;

		private final Server server;

		private final AtomicInteger calls = new AtomicInteger();

		private final AtomicInteger cancelled = new AtomicInteger();

		InterfaceServer(String name) throws IOException {
			this.name = name;
			NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
			for (Class<?> type : List.of(HedgedApi.class, StingyApi.class)) {
				builder.addService(definition(ServiceInterfaceContract.of(type, JsonMapper.shared())));
			}
			this.server = builder.build().start();
		}

		private ServerServiceDefinition definition(ServiceInterfaceContract contract) {
			ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(contract.serviceDescriptor());
			for (ContractMethod method : contract.methods().values()) {
				definition.addMethod(method.descriptor(), ServerCalls.asyncUnaryCall((arguments, observer) -> {
					this.calls.incrementAndGet();
					String sku = (String) arguments[0];
					long delay = sku.equals("slow-at:" + this.name) ? 500 : sku.equals("slow-everywhere") ? 200 : 0;
					if (!GrpcCancellation.awaitUnlessCancelled(delay)) {
						this.cancelled.incrementAndGet();
						return;
					}
					observer.onNext(new Reply(new Item(sku, this.name)));
					observer.onCompleted();
				}));
			}
			return definition.build();
		}

		int port() {
			return this.server.getPort();
		}

		int calls() {
			return this.calls.get();
		}

		int cancelled() {
			return this.cancelled.get();
		}

		@Override
		public void close() {
			this.server.shutdownNow();
		}

	}

}
