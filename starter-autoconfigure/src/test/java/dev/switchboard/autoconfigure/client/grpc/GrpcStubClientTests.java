package dev.switchboard.autoconfigure.client.grpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.client.ClientStatistics;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.autoconfigure.client.grpc.proto.InventoryServiceGrpc;
import dev.switchboard.autoconfigure.client.grpc.proto.InventoryServiceGrpc.InventoryServiceBlockingStub;
import dev.switchboard.autoconfigure.client.grpc.proto.InventoryServiceGrpc.InventoryServiceFutureStub;
import dev.switchboard.autoconfigure.client.grpc.proto.InventoryServiceGrpc.InventoryServiceStub;
import dev.switchboard.autoconfigure.client.grpc.proto.Item;
import dev.switchboard.autoconfigure.client.grpc.proto.ItemRequest;
import dev.switchboard.core.annotation.GrpcClient;
import dev.switchboard.core.balancer.CallOutcome;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.balancer.RoundRobinLoadBalancer;
import dev.switchboard.core.balancer.ZoneAwareLoadBalancer;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.client.ChannelBuilderOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * End-to-end tests of {@code @GrpcClient} stubs over real Netty gRPC servers on loopback, resolved through
 * static discovery and balanced by Switchboard's balancer.
 *
 * @author Switchboard
 */
class GrpcStubClientTests {

	private static TestInventoryServer first;

	private static TestInventoryServer second;

	private static TestInventoryServer doomed;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() throws Exception {
		first = new TestInventoryServer("first");
		second = new TestInventoryServer("second");
		doomed = new TestInventoryServer("doomed");
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties("switchboard.discovery.static.services.inventory[0]=" + first.url(),
					"switchboard.discovery.static.services.inventory[1]=" + second.url(),
					"switchboard.discovery.static.services.failover[0]=" + first.url(),
					"switchboard.discovery.static.services.failover[1]=" + doomed.url(),
					"switchboard.clients.inventory.timeout.read=300ms",
					// Only the zoned service's instances have zones; the others balance over all instances.
					"switchboard.discovery.zone=zone-a",
					"switchboard.discovery.static.services.zoned[0]=" + first.url() + "?zone=zone-a",
					"switchboard.discovery.static.services.zoned[1]=" + second.url() + "?zone=zone-b",
					"switchboard.discovery.static.services.policy[0]=" + first.url(),
					"switchboard.discovery.static.services.policy[1]=" + second.url(),
					"switchboard.clients.policy.retry.backoff=5ms",
					"switchboard.clients.policy.outlier.consecutive-failures=2",
					"switchboard.clients.policy.grpc.idempotent-methods=switchboard.test.inventory.InventoryService/GetItem",
					"switchboard.clients.strict.service-id=policy", "switchboard.clients.strict.retry.backoff=5ms",
					"switchboard.clients.strict.outlier.enabled=false",
					"switchboard.clients.hedging.service-id=policy", "switchboard.clients.hedging.hedge.enabled=true",
					"switchboard.clients.hedging.hedge.delay=50ms",
					"switchboard.clients.stingy.service-id=policy", "switchboard.clients.stingy.hedge.enabled=true",
					"switchboard.clients.stingy.hedge.delay=50ms",
					"switchboard.clients.stingy.retry.budget.min-per-second=0",
					"switchboard.clients.stingy.retry.budget.percent=0",
					"switchboard.client-defaults.load-balancer=round-robin")
			.run();
		// Connect to both instances before the tests, with a deadline generous enough for a loaded machine:
		// the tests' 300 ms read timeout is about calls, not about opening connections.
		InventoryServiceBlockingStub warmUp = context.getBean(Stubs.class).blocking;
		for (int i = 0; i < 4; i++) {
			warmUp.withDeadlineAfter(10, TimeUnit.SECONDS).getItem(ItemRequest.newBuilder().setSku("warm-up").build());
		}
	}

	@AfterAll
	static void stop() throws Exception {
		if (context != null) {
			context.close();
		}
		first.close();
		second.close();
		doomed.close();
	}

	@Test
	void constructorInjectedBlockingStubIsBalancedOverBothInstances() {
		InventoryServiceBlockingStub stub = context.getBean(Stubs.class).blocking;
		Map<String, Integer> answeredBy = new HashMap<>();
		for (int i = 0; i < 20; i++) {
			Item item = stub.getItem(ItemRequest.newBuilder().setSku("sku-" + i).build());
			assertThat(item.getSku()).isEqualTo("sku-" + i);
			answeredBy.merge(item.getInstance(), 1, Integer::sum);
		}
		// Both instances answer; round-robin over the ready ones.
		assertThat(answeredBy).containsOnlyKeys("first", "second");
		assertThat(answeredBy.values()).allSatisfy((count) -> assertThat(count).isBetween(8, 12));
	}

	@Test
	void fieldInjectedFutureAndAsyncStubsShareTheClientChannel() throws Exception {
		Stubs stubs = context.getBean(Stubs.class);
		assertThat(stubs.future.getItem(ItemRequest.newBuilder().setSku("f").build()).get(2, TimeUnit.SECONDS)
			.getSku()).isEqualTo("f");
		assertThat(stubs.async).isNotNull();
		assertThat(stubs.async.getChannel()).isSameAs(stubs.blocking.getChannel()).isSameAs(stubs.channel);
	}

	@Test
	void readTimeoutBecomesTheDeadlineOfCallsWithoutOne() {
		InventoryServiceBlockingStub stub = context.getBean(Stubs.class).blocking;
		long start = System.nanoTime();
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub.getItem(ItemRequest.newBuilder().setSku("slow").setDelayMillis(1500).build()))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1200));
		// The caller's own deadline wins.
		Item item = stub.withDeadlineAfter(3, TimeUnit.SECONDS)
			.getItem(ItemRequest.newBuilder().setSku("patient").setDelayMillis(500).build());
		assertThat(item.getSku()).isEqualTo("patient");
	}

	@Test
	void callsFailOverToTheLiveInstanceWhenOneStops() throws Exception {
		InventoryServiceBlockingStub stub = context.getBean(Stubs.class).failover;
		List<String> before = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			before.add(stub.getItem(ItemRequest.newBuilder().setSku("b" + i).build()).getInstance());
		}
		assertThat(before).contains("first", "doomed");
		doomed.close();
		List<String> after = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			after.add(stub.getItem(ItemRequest.newBuilder().setSku("a" + i).build()).getInstance());
		}
		assertThat(after).containsOnly("first");
	}

	@Test
	void stubMethodDeclaredIdempotentInConfigurationIsRetriedAndTheFailingInstanceEjected() {
		InventoryServiceBlockingStub stub = InventoryServiceGrpc.newBlockingStub(channel("policy"));
		int firstBefore = first.calls();
		for (int i = 0; i < 6; i++) {
			assertThat(stub.getItem(ItemRequest.newBuilder().setSku("unavailable-at:first").build()).getInstance())
				.isEqualTo("second");
		}
		ClientStatistics statistics = statistics("policy");
		String firstKey = "127.0.0.1:" + first.port();
		// The fault happened: the first instance read requests and answered UNAVAILABLE.
		int failed = first.calls() - firstBefore;
		assertThat(failed).isPositive();
		assertThat(statistics.getAttempts(new ClientStatistics.InstanceOutcome(firstKey, CallOutcome.IO_FAILURE)))
			.isEqualTo(failed);
		// Each of those was retried on the other instance, and two in a row ejected it.
		assertThat(statistics.getRetries()).isEqualTo(failed);
		assertThat(statistics.getEjections(firstKey)).isOne();
		// Every attempt was observed, the failed ones on the first instance with their outcome.
		TestObservationRegistry observations = context.getBean(TestObservationRegistry.class);
		TestObservationRegistryAssert.assertThat(observations)
			.hasAnObservation((observation) -> observation.hasNameEqualTo("switchboard.client.attempts")
				.hasLowCardinalityKeyValue("client", "policy")
				.hasLowCardinalityKeyValue("outcome", "IO_FAILURE")
				.hasHighCardinalityKeyValue("instance", firstKey));
	}

	@Test
	void stubMethodNotDeclaredIdempotentIsNotRetriedAfterItsRequestWasSent() {
		InventoryServiceBlockingStub stub = InventoryServiceGrpc.newBlockingStub(channel("strict"));
		int firstBefore = first.calls();
		long retriesBefore = statistics("strict").getRetries();
		int failures = 0;
		for (int i = 0; i < 6; i++) {
			try {
				assertThat(stub.getItem(ItemRequest.newBuilder().setSku("unavailable-at:first").build())
					.getInstance()).isEqualTo("second");
			}
			catch (StatusRuntimeException ex) {
				assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
				failures++;
			}
		}
		// The fault happened, and each failed call reached the failing instance exactly once.
		assertThat(failures).isPositive().isEqualTo(first.calls() - firstBefore);
		assertThat(statistics("strict").getRetries()).isEqualTo(retriesBefore);
	}

	@Test
	void protoIdempotencyLevelMakesAStubMethodRetryable() {
		InventoryServiceBlockingStub stub = InventoryServiceGrpc.newBlockingStub(channel("strict"));
		assertThat(InventoryServiceGrpc.getGetItemSafeMethod().isSafe()).isTrue();
		int firstBefore = first.calls();
		for (int i = 0; i < 6; i++) {
			assertThat(stub.getItemSafe(ItemRequest.newBuilder().setSku("unavailable-at:first").build())
				.getInstance()).isEqualTo("second");
		}
		assertThat(first.calls() - firstBefore).isPositive();
	}

	@Test
	void slowIdempotentStubCallIsHedgedOnTheOtherInstanceAndTheSlowCallCancelled() {
		InventoryServiceBlockingStub stub = InventoryServiceGrpc.newBlockingStub(connected("hedging"));
		ClientStatistics statistics = statistics("hedging");
		long hedgesBefore = statistics.getHedges();
		long cancelledBefore = statistics.getCancelled();
		int slowBefore = first.calls();
		int slowCancelledBefore = first.cancelled();
		// Round-robin sends first attempts to the slow instance too; each is hedged on the other, which wins.
		for (int i = 0; i < 4; i++) {
			long start = System.nanoTime();
			Item item = stub.getItemSafe(ItemRequest.newBuilder().setSku("slow-at:first").setDelayMillis(500).build());
			assertThat(item.getInstance()).isEqualTo("second");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(400));
		}
		// The fault happened: attempts reached the slow instance, and the slow server saw each cancelled.
		int slowCalls = first.calls() - slowBefore;
		assertThat(slowCalls).isPositive();
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(first.cancelled() - slowCancelledBefore).isEqualTo(slowCalls));
		// Every hedged call's loser (on a loaded machine, now and then a hedge that lost to a first attempt slower
		// than the delay) was counted as cancelled.
		long hedges = statistics.getHedges() - hedgesBefore;
		assertThat(hedges).isGreaterThanOrEqualTo(slowCalls).isLessThanOrEqualTo(4);
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(statistics.getCancelled() - cancelledBefore).isEqualTo(hedges));
	}

	@Test
	void slowStubCallOfAMethodThatIsNotIdempotentIsNotHedged() {
		InventoryServiceBlockingStub stub = InventoryServiceGrpc.newBlockingStub(connected("hedging"));
		ClientStatistics statistics = statistics("hedging");
		long hedgesBefore = statistics.getHedges();
		List<String> answers = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			long start = System.nanoTime();
			String instance = stub.getItem(ItemRequest.newBuilder().setSku("slow-at:first").setDelayMillis(200).build())
				.getInstance();
			answers.add(instance);
			if (instance.equals("first")) {
				// Nothing raced the slow attempt: the call waited for it.
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
			}
		}
		// The fault happened: the slow instance answered.
		assertThat(answers).contains("first");
		assertThat(statistics.getHedges()).isEqualTo(hedgesBefore);
	}

	@Test
	void cancellingAHedgedStubCallCancelsBothAttempts() {
		InventoryServiceFutureStub stub = InventoryServiceGrpc.newFutureStub(connected("hedging"));
		ClientStatistics statistics = statistics("hedging");
		long hedgesBefore = statistics.getHedges();
		int callsBefore = first.calls() + second.calls();
		int cancelledBefore = first.cancelled() + second.cancelled();
		com.google.common.util.concurrent.ListenableFuture<Item> future = stub
			.getItemSafe(ItemRequest.newBuilder().setSku("slow").setDelayMillis(3000).build());
		// Both attempts reached their servers: the first, and the hedge sent after the delay.
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> first.calls() + second.calls() - callsBefore == 2);
		assertThat(statistics.getHedges() - hedgesBefore).isOne();
		future.cancel(true);
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(first.cancelled() + second.cancelled() - cancelledBefore).isEqualTo(2));
		assertThat(future.isCancelled()).isTrue();
	}

	@Test
	void noHedgeIsSentOnceTheCallersDeadlineEndedTheCall() {
		InventoryServiceBlockingStub stub = InventoryServiceGrpc.newBlockingStub(connected("hedging"));
		ClientStatistics statistics = statistics("hedging");
		long hedgesBefore = statistics.getHedges();
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub.withDeadlineAfter(20, TimeUnit.MILLISECONDS)
				.getItemSafe(ItemRequest.newBuilder().setSku("slow").setDelayMillis(500).build()))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
		// The deadline (20 ms) came before the hedge delay (50 ms): the call ended with its first attempt, and its
		// hedge timer with it.
		assertThat(statistics.getHedges()).isEqualTo(hedgesBefore);
	}

	@Test
	void hedgeRefusedByTheRetryBudgetIsCountedAndNotSent() {
		InventoryServiceBlockingStub stub = InventoryServiceGrpc.newBlockingStub(connected("stingy"));
		ClientStatistics statistics = statistics("stingy");
		long refusalsBefore = statistics.getBudgetRefusals();
		int callsBefore = first.calls() + second.calls();
		Item item = stub.getItemSafe(ItemRequest.newBuilder().setSku("slow").setDelayMillis(200).build());
		assertThat(item.getSku()).isEqualTo("slow");
		// The hedge was due (the call took longer than the delay), the budget refused it, and only one call left.
		assertThat(statistics.getBudgetRefusals() - refusalsBefore).isOne();
		assertThat(statistics.getHedges()).isZero();
		assertThat(first.calls() + second.calls() - callsBefore).isOne();
	}

	/**
	 * The client's channel once both instances answered through it, so that an attempt pinned to either is
	 * served by it.
	 */
	private static Channel connected(String client) {
		Channel channel = channel(client);
		InventoryServiceBlockingStub stub = InventoryServiceGrpc.newBlockingStub(channel);
		java.util.Set<String> answered = new java.util.HashSet<>();
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
			answered.add(stub.withDeadlineAfter(10, TimeUnit.SECONDS)
				.getItem(ItemRequest.newBuilder().setSku("warm-up").build())
				.getInstance());
			return answered.size() == 2;
		});
		return channel;
	}

	private static Channel channel(String client) {
		return context.getBean(SwitchboardGrpcChannelFactory.class).channel(client);
	}

	private static ClientStatistics statistics(String client) {
		return context.getBean(ServiceClientRuntimes.class).asMap().get(client).getStatistics();
	}

	@Test
	void serviceWithoutInstancesFailsNamingServiceAndBackend() {
		InventoryServiceBlockingStub stub = InventoryServiceGrpc
			.newBlockingStub(context.getBean(SwitchboardGrpcChannelFactory.class).channel("ghost"));
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub.getItem(ItemRequest.newBuilder().setSku("x").build()))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE))
			.withMessageContaining("No instance of service 'ghost' is available from discovery backend 'static'");
	}

	@Test
	void balancerIsFedWithLatencyAndOutcomeOfEveryAttempt() throws Exception {
		RecordingBalancer balancer = new RecordingBalancer();
		ServiceDiscovery discovery = context.getBean(ServiceDiscovery.class);
		SwitchboardGrpcChannelFactory<?> factory = context.getBean(SwitchboardGrpcChannelFactory.class);
		DiscoveryTarget target = new DiscoveryTarget("recorded", "inventory", discovery, balancer, null);
		ManagedChannel channel = io.grpc.Grpc
			.newChannelBuilder(target.target(), io.grpc.InsecureChannelCredentials.create())
			.setNameResolverArg(DiscoveryTarget.ARG, target)
			.defaultLoadBalancingPolicy(SwitchboardLoadBalancerProvider.POLICY_NAME)
			.build();
		try {
			InventoryServiceBlockingStub stub = InventoryServiceGrpc.newBlockingStub(channel);
			stub.getItem(ItemRequest.newBuilder().setSku("ok").build());
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> stub.getItem(ItemRequest.newBuilder().setSku("missing").build()));
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> stub.withDeadlineAfter(100, TimeUnit.MILLISECONDS)
					.getItem(ItemRequest.newBuilder().setSku("slow").setDelayMillis(600).build()));
		}
		finally {
			channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
		}
		assertThat(factory).isNotNull();
		assertThat(balancer.outcomes).containsExactly(CallOutcome.SUCCESS, CallOutcome.CLIENT_ERROR,
				CallOutcome.TIMEOUT);
		assertThat(balancer.started).isEqualTo(3);
		assertThat(balancer.latencies.get(2)).isGreaterThanOrEqualTo(Duration.ofMillis(90).toNanos());
	}

	@Test
	void grpcPortComesFromMetadataThenClientSettingThenInstancePort() {
		ServiceDiscovery discovery = context.getBean(ServiceDiscovery.class);
		ServiceInstance plain = new org.springframework.cloud.client.DefaultServiceInstance("a", "svc", "h", 8080,
				false);
		ServiceInstance published = new org.springframework.cloud.client.DefaultServiceInstance("b", "svc", "h", 8080,
				false, Map.of("grpc-port", "9095"));
		DiscoveryTarget withFallback = new DiscoveryTarget("c", "svc", discovery, new RoundRobinLoadBalancer(), 9090);
		DiscoveryTarget withoutFallback = new DiscoveryTarget("c", "svc", discovery, new RoundRobinLoadBalancer(),
				null);
		assertThat(withFallback.grpcPort(published)).isEqualTo(9095);
		assertThat(withFallback.grpcPort(plain)).isEqualTo(9090);
		assertThat(withoutFallback.grpcPort(plain)).isEqualTo(8080);
	}

	@Test
	void springGrpcChannelFactoryServesSwitchboardTargets() {
		org.springframework.grpc.client.GrpcChannelFactory factory = context
			.getBean(org.springframework.grpc.client.GrpcChannelFactory.class);
		assertThat(factory.supports("switchboard://inventory")).isTrue();
		ManagedChannel channel = factory.createChannel("switchboard://inventory", ChannelBuilderOptions.defaults());
		Item item = InventoryServiceGrpc.newBlockingStub(channel).getItem(ItemRequest.newBuilder().setSku("s").build());
		assertThat(item.getInstance()).isIn("first", "second");
	}

	@Test
	void channelsPreferInstancesInTheOwnZone() {
		SwitchboardGrpcChannelFactory<?> factory = context.getBean(SwitchboardGrpcChannelFactory.class);
		InventoryServiceBlockingStub stub = InventoryServiceGrpc.newBlockingStub(factory.channel("zoned"));
		// Until the local instance's connection is ready, calls go to the ready one, whatever its zone.
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS)
				.getItem(ItemRequest.newBuilder().setSku("warm-up").build())
				.getInstance()
				.equals("first"));
		Map<String, Integer> answeredBy = new HashMap<>();
		for (int i = 0; i < 20; i++) {
			answeredBy.merge(stub.withDeadlineAfter(10, TimeUnit.SECONDS)
				.getItem(ItemRequest.newBuilder().setSku("z-" + i).build())
				.getInstance(), 1, Integer::sum);
		}
		assertThat(factory.getBalancer("zoned")).isInstanceOf(ZoneAwareLoadBalancer.class);
		assertThat(answeredBy).containsOnlyKeys("first");
	}

	static final class RecordingBalancer implements LoadBalancer {

		final List<CallOutcome> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();

		final List<Long> latencies = new java.util.concurrent.CopyOnWriteArrayList<>();

		volatile int started;

		private final RoundRobinLoadBalancer delegate = new RoundRobinLoadBalancer();

		@Override
		public ServiceInstance choose(List<ServiceInstance> instances) {
			return this.delegate.choose(instances);
		}

		@Override
		public synchronized void onStart(ServiceInstance instance) {
			this.started++;
		}

		@Override
		public void onComplete(ServiceInstance instance, long latencyNanos, CallOutcome outcome) {
			this.latencies.add(latencyNanos);
			this.outcomes.add(outcome);
		}

	}

	static class Stubs {

		final InventoryServiceBlockingStub blocking;

		final InventoryServiceBlockingStub failover;

		final Channel channel;

		@GrpcClient("inventory")
		InventoryServiceFutureStub future;

		@GrpcClient("inventory")
		private InventoryServiceStub async;

		Stubs(@GrpcClient("inventory") InventoryServiceBlockingStub blocking,
				@GrpcClient("failover") InventoryServiceBlockingStub failover, @GrpcClient("inventory") Channel channel) {
			this.blocking = blocking;
			this.failover = failover;
			this.channel = channel;
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.builder()
				.validateObservationsWithTheSameNameHavingTheSameSetOfLowCardinalityKeys(false)
				.build();
		}

		@Bean
		Stubs stubs(@GrpcClient("inventory") InventoryServiceBlockingStub blocking,
				@GrpcClient("failover") InventoryServiceBlockingStub failover, @GrpcClient("inventory") Channel channel) {
			return new Stubs(blocking, failover, channel);
		}

	}

}
