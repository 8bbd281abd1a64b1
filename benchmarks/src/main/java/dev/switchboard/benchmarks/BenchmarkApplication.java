package dev.switchboard.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import dev.switchboard.autoconfigure.client.rest.JdkBlockingClientHttpRequestFactoryBuilder;
import dev.switchboard.benchmarks.BenchmarkClients.PinnedClient;
import dev.switchboard.benchmarks.BenchmarkClients.SingleClient;
import dev.switchboard.benchmarks.BenchmarkClients.SlowP2cClient;
import dev.switchboard.benchmarks.BenchmarkClients.SlowRoundRobinClient;
import dev.switchboard.benchmarks.BenchmarkClients.SpringLoadBalancedClient;
import dev.switchboard.benchmarks.BenchmarkClients.TrioClient;
import dev.switchboard.benchmarks.ClosedLoop.Result;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.JdkClientHttpRequestFactoryBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRestClientHttpServiceGroupConfigurer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;
import org.springframework.web.service.registry.ImportHttpServices;

/**
 * The benchmark: one JVM, loopback servers, closed-loop client threads, every contender measured in
 * alternating rounds of the same run so that machine noise hits all of them alike. Prints markdown tables.
 * <p>
 * Arguments: {@code --seconds=N} per round (default 2), {@code --rounds=N} (default 5),
 * {@code --threads=N} (default 8), {@code --transports=jdk,http-components,simple},
 * {@code --scenarios=overhead,grpc,slow,failover}, {@code --failover-runs=N} (default 2), {@code --out=path}, {@code --only=name,name} (run only the
 * contenders whose name contains one of these, e.g. {@code --only=3} for the three-instance rows: handy under a
 * profiler).
 *
 * @author Switchboard
 */
public final class BenchmarkApplication {

	private static final String WITHOUT_SPRING_CLOUD_LOAD_BALANCER = "Switchboard @ServiceClient, 3 instances, no Spring Cloud LoadBalancer";

	/** Spring Cloud LoadBalancer's auto-configurations (spring-cloud-commons and spring-cloud-loadbalancer). */
	private static final List<String> SPRING_CLOUD_LOAD_BALANCER_AUTO_CONFIGURATIONS = List.of(
			"org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration",
			"org.springframework.cloud.client.loadbalancer.LoadBalancerDefaultMappingsProviderAutoConfiguration",
			"org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerBeanPostProcessorAutoConfiguration",
			"org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerClientAutoConfiguration",
			"org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration",
			"org.springframework.cloud.loadbalancer.config.BlockingLoadBalancerClientAutoConfiguration",
			"org.springframework.cloud.loadbalancer.config.LoadBalancerCacheAutoConfiguration",
			"org.springframework.cloud.loadbalancer.security.OAuth2LoadBalancerClientAutoConfiguration",
			"org.springframework.cloud.loadbalancer.config.LoadBalancerStatsAutoConfiguration",
			// Switchboard's stand-in for Spring Cloud LoadBalancer's group configurer.
			"dev.switchboard.autoconfigure.loadbalancer.SpringCloudLoadBalancerGroupsAutoConfiguration");

	private final Map<String, String> options;

	private final StringBuilder report = new StringBuilder();

	BenchmarkApplication(Map<String, String> options) {
		this.options = options;
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			String[] pair = arg.replaceFirst("^--", "").split("=", 2);
			options.put(pair[0], (pair.length > 1) ? pair[1] : "true");
		}
		new BenchmarkApplication(options).run();
		System.exit(0);
	}

	private int intOption(String name, int fallback) {
		return Integer.parseInt(this.options.getOrDefault(name, String.valueOf(fallback)));
	}

	private void run() throws Exception {
		Duration round = Duration.ofSeconds(intOption("seconds", 2));
		int rounds = intOption("rounds", 5);
		int threads = intOption("threads", 8);
		List<String> scenarios = List.of(this.options.getOrDefault("scenarios", "overhead,grpc,slow,failover").split(","));
		List<String> transports = List.of(this.options.getOrDefault("transports", "http-components,simple,jdk").split(","));
		line("# Switchboard benchmark");
		line("");
		line("JVM " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
				+ " cores, " + threads + " client threads, " + rounds + " rounds of " + round.toSeconds()
				+ " s per contender (medians of the rounds), loopback JDK HTTP servers in the same JVM.");
		try (LoopbackServer a = new LoopbackServer(); LoopbackServer b = new LoopbackServer();
				LoopbackServer c = new LoopbackServer()) {
			List<LoopbackServer> trio = List.of(a, b, c);
			if (scenarios.contains("overhead")) {
				for (String transport : transports) {
					overhead(transport, trio, threads, round, rounds);
				}
			}
			if (scenarios.contains("grpc")) {
				grpc(trio.get(0), threads, round, rounds);
			}
			if (scenarios.contains("slow")) {
				slowInstance(transports.get(0), trio, threads, round, rounds);
			}
		}
		if (scenarios.contains("failover")) {
			new FailoverScenario(this::start, this::line).run(transports.get(0), threads, intOption("failover-runs", 2));
		}
		String out = this.options.get("out");
		if (out != null) {
			Files.writeString(Path.of(out), this.report);
		}
	}

	private void overhead(String transport, List<LoopbackServer> trio, int threads, Duration round, int rounds)
			throws Exception {
		try (ConfigurableApplicationContext context = start(transport, trio, Map.of());
				ConfigurableApplicationContext withoutSpringLoadBalancer = startWithoutSpringCloudLoadBalancer(transport,
						trio)) {
			ClientHttpRequestFactoryBuilder<?> factoryBuilder = context.getBean(ClientHttpRequestFactoryBuilder.class);
			HttpClientSettings settings = HttpClientSettings.defaults()
				.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10));
			RestClient raw = RestClient.builder().requestFactory(factoryBuilder.build(settings)).build();
			String[] urls = trio.stream().map(LoopbackServer::url).toArray(String[]::new);
			SingleClient single = context.getBean(SingleClient.class);
			TrioClient switchboardTrio = context.getBean(TrioClient.class);
			SpringLoadBalancedClient springLb = context.getBean(SpringLoadBalancedClient.class);
			Map<String, ClosedLoop.Call> contenders = new LinkedHashMap<>();
			contenders.put("raw RestClient, 1 URL", (i) -> raw.get().uri(urls[0] + "/items/{id}", i).retrieve().body(String.class));
			contenders.put("Switchboard @ServiceClient, 1 instance", (i) -> single.item(String.valueOf(i)));
			if (this.options.containsKey("breakdown")) {
				// Where the overhead goes: an interceptor in the chain, then Spring's HTTP interface proxy alone.
				RestClient intercepted = RestClient.builder()
					.requestFactory(factoryBuilder.build(settings))
					.requestInterceptor((request, body, execution) -> execution.execute(request, body))
					.build();
				PinnedClient pinned = context.getBean(PinnedClient.class);
				contenders.put("raw RestClient + no-op interceptor, 1 URL",
						(i) -> intercepted.get().uri(urls[0] + "/items/{id}", i).retrieve().body(String.class));
				contenders.put("@ServiceClient with url: (proxy only), 1 URL", (i) -> pinned.item(String.valueOf(i)));
				if (factoryBuilder instanceof org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder hc) {
					RestClient noRetries = RestClient.builder()
						.requestFactory(hc.withHttpClientCustomizer(
								org.apache.hc.client5.http.impl.classic.HttpClientBuilder::disableAutomaticRetries)
							.build(settings))
						.build();
					contenders.put("raw RestClient, HttpClient retries off, 1 URL",
							(i) -> noRetries.get().uri(urls[0] + "/items/{id}", i).retrieve().body(String.class));
				}
			}
			contenders.put("raw RestClient, 3 URLs by hand", (i) -> raw.get().uri(urls[(int) (i % 3)] + "/items/{id}", i).retrieve().body(String.class));
			jdkAdapterContenders(factoryBuilder, settings, urls, contenders);
			contenders.put("Switchboard @ServiceClient, 3 instances", (i) -> switchboardTrio.item(String.valueOf(i)));
			contenders.put("Spring HTTP interface + Spring Cloud LoadBalancer, 3", (i) -> springLb.item(String.valueOf(i)));
			putWithoutSpringCloudLoadBalancer(contenders, withoutSpringLoadBalancer);
			putFeign(contenders, transport, factoryBuilder, settings, urls);
			Map<String, List<Result>> results = measure(contenders, threads, round, rounds);
			line("");
			line("## Overhead, transport `" + transport + "`");
			line("");
			line("| contender | p50 (us) | p99 (us) | p99.9 (us) | calls/s | CPU us/call | B/call | errors | p50 ratio | p99 ratio | throughput ratio |");
			line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
			List<Result> rawOne = results.getOrDefault("raw RestClient, 1 URL", List.of());
			List<Result> rawThree = results.getOrDefault("raw RestClient, 3 URLs by hand", List.of());
			results.forEach((name, list) -> {
				Result r = median(list);
				List<Result> baseRounds = name.contains("1 ") || name.endsWith("1 URL") ? rawOne : rawThree;
				// Without its raw row (filtered out by --only) a contender is its own base.
				Result base = baseRounds.isEmpty() ? r : median(baseRounds);
				line(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %d | %.2f | %.2f | %.2f |",
						name, r.p50Micros(), r.p99Micros(), r.p999Micros(), r.throughput(), r.cpuMicrosPerCall(),
						r.allocatedBytesPerCall(), r.errors(),
						r.p50Micros() / base.p50Micros(), r.p99Micros() / base.p99Micros(),
						r.throughput() / base.throughput()));
			});
			line("");
			line("Ratios compare with the raw `RestClient` on the same number of instances (1 or 3).");
			line("");
			// Round by round (each round runs every contender back to back), the spread behind the medians.
			results.forEach((name, list) -> {
				List<Result> baseRounds = name.contains("1 ") || name.endsWith("1 URL") ? rawOne : rawThree;
				StringBuilder perRound = new StringBuilder("- " + name + ": calls/s");
				for (int i = 0; i < list.size(); i++) {
					Result r = list.get(i);
					perRound.append(String.format(Locale.ROOT, " %.0f", r.throughput()));
					if (!baseRounds.isEmpty()) {
						Result b = baseRounds.get(i);
						perRound.append(String.format(Locale.ROOT, " (x%.2f, CPU x%.2f, %.0f B/call)",
								r.throughput() / b.throughput(), r.cpuMicrosPerCall() / b.cpuMicrosPerCall(),
								r.allocatedBytesPerCall()));
					}
				}
				line(perRound.toString());
			});
		}
	}

	/**
	 * Switchboard's three-instance row in an application without Spring Cloud LoadBalancer: there, no group
	 * configurer of Spring Cloud LoadBalancer touches the clients' interceptor lists, so their {@code RestClient}s
	 * have no (empty) intercepting request layer.
	 */
	private static void putWithoutSpringCloudLoadBalancer(Map<String, ClosedLoop.Call> contenders,
			ConfigurableApplicationContext context) {
		if (context.getBeanProvider(LoadBalancerRestClientHttpServiceGroupConfigurer.class).getIfAvailable() != null) {
			throw new IllegalStateException("Spring Cloud LoadBalancer's group configurer is still a bean");
		}
		TrioClient trio = context.getBean(TrioClient.class);
		contenders.put(WITHOUT_SPRING_CLOUD_LOAD_BALANCER, (i) -> trio.item(String.valueOf(i)));
	}

	/** OpenFeign on the same transport, three URLs in turn by hand, when Feign has a client for it. */
	private static void putFeign(Map<String, ClosedLoop.Call> contenders, String transport,
			ClientHttpRequestFactoryBuilder<?> factoryBuilder, HttpClientSettings settings, String[] urls) {
		ClosedLoop.Call feign = FeignContenders.threeByHand(transport, factoryBuilder, settings, urls);
		if (feign != null) {
			contenders.put(FeignContenders.name(transport), feign);
		}
	}

	private void grpc(LoopbackServer restServer, int threads, Duration round, int rounds) throws Exception {
		int grpcPort = GrpcBenchmark.freePort();
		try (ConfigurableApplicationContext context = GrpcBenchmark.start(restServer.url(), grpcPort)) {
			Map<String, List<Result>> results = measure(GrpcBenchmark.contenders(context, grpcPort), threads, round,
					rounds);
			line("");
			line("## gRPC (Spring gRPC Netty server in the same JVM; REST rows on the JDK server, Apache HttpClient 5)");
			line("");
			line("| contender | p50 (us) | p99 (us) | calls/s | CPU us/call | errors | p50 ratio | p99 ratio | throughput ratio |");
			line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
			Result raw = median(results.get("raw grpc-java channel, fixed address"));
			Result rest = median(results.get("@ServiceClient interface over REST"));
			results.forEach((name, list) -> {
				Result r = median(list);
				Result base = name.contains("interface") ? rest : raw;
				line(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %d | %.2f | %.2f | %.2f |", name,
						r.p50Micros(), r.p99Micros(), r.throughput(), r.cpuMicrosPerCall(), r.errors(),
						r.p50Micros() / base.p50Micros(), r.p99Micros() / base.p99Micros(),
						r.throughput() / base.throughput()));
			});
			line("");
			line("Channel rows compare with the raw channel; interface rows with the interface over REST.");
		}
	}

	private void slowInstance(String transport, List<LoopbackServer> trio, int threads, Duration round, int rounds)
			throws Exception {
		LoopbackServer slow = trio.get(2);
		slow.delay(50);
		try (ConfigurableApplicationContext context = start(transport, trio,
				Map.of("switchboard.clients.slow-p2c.load-balancer", "p2c-ewma"))) {
			SlowRoundRobinClient roundRobin = context.getBean(SlowRoundRobinClient.class);
			SlowP2cClient p2c = context.getBean(SlowP2cClient.class);
			SpringLoadBalancedClient springLb = context.getBean(SpringLoadBalancedClient.class);
			Map<String, ClosedLoop.Call> contenders = new LinkedHashMap<>();
			contenders.put("Switchboard round-robin", (i) -> roundRobin.item(String.valueOf(i)));
			contenders.put("Switchboard p2c-ewma", (i) -> p2c.item(String.valueOf(i)));
			contenders.put("Spring HTTP interface + Spring Cloud LoadBalancer (round robin)",
					(i) -> springLb.item(String.valueOf(i)));
			Map<String, Long> toSlow = new LinkedHashMap<>();
			Map<String, List<Result>> results = measure(contenders, threads, round, rounds, slow::requests, toSlow);
			line("");
			line("## One slow instance of three (+50 ms), transport `" + transport + "`");
			line("");
			line("| contender | p50 (us) | p99 (us) | p99.9 (us) | calls/s | calls | sent to the slow instance | errors |");
			line("|---|---:|---:|---:|---:|---:|---:|---:|");
			results.forEach((name, list) -> {
				Result r = median(list);
				long sent = toSlow.getOrDefault(name, 0L);
				line(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %d | %d (%.1f%%) | %d |", name,
						r.p50Micros(), r.p99Micros(), r.p999Micros(), r.throughput(), r.calls(), sent,
						(r.calls() > 0) ? 100.0 * sent / r.calls() : 0, r.errors()));
			});
			line("");
			line("Medians of " + rounds + " rounds; calls and calls sent to the slow instance are totals over them.");
			results.forEach((name, list) -> line("- " + name + ": p99 (us) per round " + list.stream()
				.map((r) -> String.format(Locale.ROOT, "%.0f", r.p99Micros()))
				.toList()));
			Result rr = median(results.get("Switchboard round-robin"));
			Result spring = median(results.get("Spring HTTP interface + Spring Cloud LoadBalancer (round robin)"));
			Result best = median(results.get("Switchboard p2c-ewma"));
			line("");
			line(String.format(Locale.ROOT, "p2c-ewma p99 / round-robin p99 = %.3f (Switchboard's), %.3f (Spring Cloud "
					+ "LoadBalancer's); target <= 0.2.", best.p99Micros() / rr.p99Micros(),
					best.p99Micros() / spring.p99Micros()));
		}
		finally {
			slow.delay(0);
		}
	}

	/**
	 * On the {@code jdk} transport, the raw {@code RestClient} on Switchboard's JDK adapter (blocking
	 * {@code HttpClient.send}) beside the raw row on Spring's JDK factory ({@code sendAsync}).
	 */
	private static void jdkAdapterContenders(ClientHttpRequestFactoryBuilder<?> factoryBuilder,
			HttpClientSettings settings, String[] urls, Map<String, ClosedLoop.Call> contenders) {
		if (factoryBuilder instanceof JdkClientHttpRequestFactoryBuilder) {
			RestClient blocking = RestClient.builder()
				.requestFactory(new JdkBlockingClientHttpRequestFactoryBuilder().build(settings))
				.build();
			contenders.put("raw RestClient on Switchboard's JDK adapter, 3 URLs",
					(i) -> blocking.get().uri(urls[(int) (i % 3)] + "/items/{id}", i).retrieve().body(String.class));
		}
	}

	private Map<String, List<Result>> measure(Map<String, ClosedLoop.Call> contenders, int threads, Duration round,
			int rounds) throws InterruptedException {
		return measure(contenders, threads, round, rounds, null, new LinkedHashMap<>());
	}

	/**
	 * Measures the contenders in rounds; with a probe, adds up per contender how far the probe moved during its
	 * measured rounds (such as the requests one server received).
	 */
	private Map<String, List<Result>> measure(Map<String, ClosedLoop.Call> contenders, int threads, Duration round,
			int rounds, @Nullable LongSupplier probe, Map<String, Long> probed) throws InterruptedException {
		String only = this.options.get("only");
		if (only != null) {
			List<String> names = List.of(only.split(","));
			contenders = new LinkedHashMap<>(contenders);
			contenders.keySet().removeIf((name) -> names.stream().noneMatch(name::contains));
		}
		// One warm-up round per contender, then measured rounds, each starting one contender later than the last
		// so that no contender always runs first (or always right after the same one).
		for (ClosedLoop.Call call : contenders.values()) {
			ClosedLoop.run(call, threads, round);
		}
		List<Map.Entry<String, ClosedLoop.Call>> order = new ArrayList<>(contenders.entrySet());
		Map<String, List<Result>> results = new LinkedHashMap<>();
		contenders.keySet().forEach((name) -> results.put(name, new ArrayList<>()));
		for (int r = 0; r < rounds; r++) {
			for (int i = 0; i < order.size(); i++) {
				Map.Entry<String, ClosedLoop.Call> contender = order.get((r + i) % order.size());
				long before = (probe != null) ? probe.getAsLong() : 0;
				results.get(contender.getKey()).add(ClosedLoop.run(contender.getValue(), threads, round));
				if (probe != null) {
					probed.merge(contender.getKey(), probe.getAsLong() - before, Long::sum);
				}
			}
		}
		return results;
	}

	private static Result median(List<Result> results) {
		double[] p50 = results.stream().mapToDouble(Result::p50Micros).sorted().toArray();
		double[] p99 = results.stream().mapToDouble(Result::p99Micros).sorted().toArray();
		double[] tput = results.stream().mapToDouble(Result::throughput).sorted().toArray();
		double[] cpu = results.stream().mapToDouble(Result::cpuMicrosPerCall).sorted().toArray();
		long calls = results.stream().mapToLong(Result::calls).sum();
		long errors = results.stream().mapToLong(Result::errors).sum();
		double[] p999 = results.stream().mapToDouble(Result::p999Micros).sorted().toArray();
		double[] allocated = results.stream().mapToDouble(Result::allocatedBytesPerCall).sorted().toArray();
		int mid = results.size() / 2;
		return new Result(p50[mid], p99[mid], tput[mid], calls, errors, cpu[mid], allocated[mid], p999[mid]);
	}

	private ConfigurableApplicationContext start(String transport, List<LoopbackServer> trio,
			Map<String, Object> extra) {
		return start(BenchmarkConfiguration.class, transport, trio, extra);
	}

	/**
	 * The application without Spring Cloud LoadBalancer's auto-configurations (and without the Spring anchor's
	 * group, which needs them), as an application that uses only Switchboard has it.
	 */
	private ConfigurableApplicationContext startWithoutSpringCloudLoadBalancer(String transport,
			List<LoopbackServer> trio) {
		return start(WithoutSpringCloudLoadBalancerConfiguration.class, transport, trio,
				Map.of("spring.autoconfigure.exclude", String.join(",", SPRING_CLOUD_LOAD_BALANCER_AUTO_CONFIGURATIONS)));
	}

	private ConfigurableApplicationContext start(Class<?> configuration, String transport, List<LoopbackServer> trio,
			Map<String, Object> extra) {
		List<String> properties = new ArrayList<>(Arrays.asList("spring.main.banner-mode=off",
				"logging.level.root=warn", "spring.http.clients.imperative.factory=" + transport,
				"switchboard.client-defaults.timeout.connect=1s", "switchboard.client-defaults.timeout.read=5s",
				"switchboard.discovery.static.services.single[0]=" + trio.get(0).url(),
				"switchboard.clients.slow-rr.service-id=trio", "switchboard.clients.slow-rr.load-balancer=round-robin",
				"switchboard.clients.slow-p2c.service-id=trio", "switchboard.clients.failover.service-id=trio",
				"switchboard.clients.pinned.url=" + trio.get(0).url(),
				// The Spring anchor is stock Spring Cloud LoadBalancer (round-robin), not Switchboard's balancer.
				"switchboard.spring-cloud-loadbalancer.enabled=false"));
		for (int i = 0; i < trio.size(); i++) {
			properties.add("switchboard.discovery.static.services.trio[" + i + "]=" + trio.get(i).url());
			properties.add("spring.cloud.discovery.client.simple.instances.springlb[" + i + "].uri=" + trio.get(i).url());
		}
		extra.forEach((key, value) -> properties.add(key + "=" + value));
		return new SpringApplicationBuilder(configuration).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	private void line(String text) {
		System.out.println(text);
		this.report.append(text).append('\n');
	}

	/**
	 * The Spring application under test: Switchboard's clients are found by scanning this package; the Spring
	 * Cloud LoadBalancer contender is an {@code @ImportHttpServices} group without a base URL.
	 */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	@ImportHttpServices(group = "springlb", types = SpringLoadBalancedClient.class)
	static class BenchmarkConfiguration {

	}

	/** The same application without the Spring anchor's group, for a context without Spring Cloud LoadBalancer. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class WithoutSpringCloudLoadBalancerConfiguration {

	}

}
