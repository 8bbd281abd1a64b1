package dev.switchboard.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;

import dev.switchboard.autoconfigure.discovery.ConsulProtocolDouble;
import dev.switchboard.autoconfigure.discovery.EtcdServer;
import dev.switchboard.core.discovery.CachingServiceDiscovery;
import dev.switchboard.core.discovery.InstanceChangeListener;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Change latency of the discovery backends: from the moment an instance starts registering (or deregistering)
 * in the registry to the moment a client application's Switchboard cache holds the new list, as told by the
 * cache's own {@link InstanceChangeListener}. The client runs with {@code refresh-interval=1m}, so every change
 * seen sooner was brought by the backend's watch.
 * <ul>
 * <li>etcd: a real etcd ({@code /usr/bin/etcd}); register = grant a lease and put the instance under it, as
 * {@code EtcdServiceRegistration} does; deregister = revoke the lease.</li>
 * <li>Consul: the tests' {@code ConsulProtocolDouble} (no Consul binary is available here); register and
 * deregister through the agent's HTTP API.</li>
 * <li>DNS: dnsmasq serving A records from a hosts directory; register = the hosts file gains a line.</li>
 * </ul>
 * Arguments: {@code --backends=etcd,consul,dns} and {@code --trials=N} (default 20).
 *
 * @author Switchboard
 */
public final class DiscoveryLatencyBenchmark {

	private static final String SERVICE = "latency";

	private static final Duration GIVE_UP = Duration.ofSeconds(30);

	private DiscoveryLatencyBenchmark() {
	}

	/**
	 * Runs the benchmark and prints a markdown table.
	 * @param args see the class description
	 * @throws Exception when a registry fails
	 */
	public static void main(String[] args) throws Exception {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			String[] pair = arg.replaceFirst("^--", "").split("=", 2);
			options.put(pair[0], (pair.length > 1) ? pair[1] : "true");
		}
		// The Consul double is a JDK HttpServer: without this, Nagle's algorithm adds ~90 ms to each answer (a
		// real Consul agent, written in Go, sets TCP_NODELAY).
		System.setProperty("sun.net.httpserver.nodelay", "true");
		List<String> backends = Arrays.asList(options.getOrDefault("backends", "etcd,consul,dns").split(","));
		int trials = Integer.parseInt(options.getOrDefault("trials", "20"));
		Map<String, List<Long>> results = new LinkedHashMap<>();
		if (backends.contains("etcd")) {
			etcd(trials, results);
		}
		if (backends.contains("consul")) {
			consul(trials, results);
		}
		if (backends.contains("dns")) {
			dns(trials, results);
		}
		System.out.printf(Locale.ROOT, "%n| backend, change | trials | p50 ms | p90 ms | max ms |%n|---|---:|---:|---:|---:|%n");
		results.forEach((name, nanos) -> {
			List<Long> sorted = nanos.stream().sorted().toList();
			System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f |%n", name, sorted.size(),
					millis(sorted.get(sorted.size() / 2)), millis(sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1)),
					millis(sorted.get(sorted.size() - 1)));
		});
		System.exit(0);
	}

	private static void etcd(int trials, Map<String, List<Long>> results) throws Exception {
		try (EtcdServer server = EtcdServer.start();
				Client etcd = Client.builder().endpoints(server.endpoint()).build();
				ConfigurableApplicationContext client = client("switchboard.discovery.type=etcd",
						"switchboard.discovery.etcd.endpoints=" + server.endpoint())) {
			Changes changes = Changes.of(client);
			List<Long> registered = new ArrayList<>();
			List<Long> deregistered = new ArrayList<>();
			for (int i = 0; i < trials; i++) {
				String instanceId = "10.0.0." + (i + 1) + ":8080";
				String key = "/switchboard/services/" + SERVICE + "/" + instanceId;
				String value = "{\"host\":\"10.0.0." + (i + 1) + "\",\"port\":8080}";
				CompletableFuture<Long> seen = changes.expect((instances) -> contains(instances, instanceId));
				long start = System.nanoTime();
				long lease = etcd.getLeaseClient().grant(10).get(5, TimeUnit.SECONDS).getID();
				etcd.getKVClient()
					.put(bytes(key), bytes(value), PutOption.builder().withLeaseId(lease).build())
					.get(5, TimeUnit.SECONDS);
				registered.add(seen.get(GIVE_UP.toSeconds(), TimeUnit.SECONDS) - start);

				seen = changes.expect((instances) -> !contains(instances, instanceId));
				start = System.nanoTime();
				etcd.getLeaseClient().revoke(lease).get(5, TimeUnit.SECONDS);
				deregistered.add(seen.get(GIVE_UP.toSeconds(), TimeUnit.SECONDS) - start);
			}
			results.put("etcd (real etcd 3.4), register", registered);
			results.put("etcd (real etcd 3.4), deregister", deregistered);
		}
	}

	private static void consul(int trials, Map<String, List<Long>> results) throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		try (ConsulProtocolDouble consul = ConsulProtocolDouble.start();
				ConfigurableApplicationContext client = client("switchboard.discovery.type=consul",
						"spring.cloud.consul.host=127.0.0.1", "spring.cloud.consul.port=" + consul.port())) {
			Changes changes = Changes.of(client);
			List<Long> registered = new ArrayList<>();
			List<Long> deregistered = new ArrayList<>();
			for (int i = 0; i < trials; i++) {
				String instanceId = SERVICE + "-" + i;
				CompletableFuture<Long> seen = changes.expect((instances) -> contains(instances, instanceId));
				long start = System.nanoTime();
				consul.register(instanceId, SERVICE, 9000 + i, "passing");
				registered.add(seen.get(GIVE_UP.toSeconds(), TimeUnit.SECONDS) - start);

				seen = changes.expect((instances) -> !contains(instances, instanceId));
				start = System.nanoTime();
				HttpResponse<String> response = http.send(HttpRequest
					.newBuilder(URI.create("http://127.0.0.1:" + consul.port() + "/v1/agent/service/deregister/" + instanceId))
					.PUT(HttpRequest.BodyPublishers.noBody())
					.build(), HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() != 200) {
					throw new IllegalStateException("Deregistration failed: " + response.statusCode());
				}
				deregistered.add(seen.get(GIVE_UP.toSeconds(), TimeUnit.SECONDS) - start);
			}
			results.put("Consul (protocol double), register", registered);
			results.put("Consul (protocol double), deregister", deregistered);
		}
	}

	/**
	 * DNS has no watch: dnsmasq serves a new A record within milliseconds of the hosts file changing (inotify),
	 * and the client sees it on its next refresh, here every second. dnsmasq does not forget removed lines of a
	 * hosts file without a restart, so only registration is measured.
	 */
	private static void dns(int trials, Map<String, List<Long>> results) throws Exception {
		Path directory = Files.createTempDirectory("switchboard-dns-latency");
		Path hosts = Files.createDirectories(directory.resolve("hosts"));
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		Process dnsmasq = new ProcessBuilder("dnsmasq", "--keep-in-foreground", "--no-daemon", "--port=" + port,
				"--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--no-poll",
				"--conf-file=/dev/null", "--user=root", "--pid-file=", "--local=/svc.local/",
				"--host-record=seed.svc.local,127.0.0.1", "--hostsdir=" + hosts)
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("dnsmasq.log").toFile())
			.start();
		try (ConfigurableApplicationContext client = client("switchboard.discovery.type=dns",
				"switchboard.discovery.dns.mode=a", "switchboard.discovery.dns.servers=127.0.0.1:" + port,
				"switchboard.discovery.dns.domain=svc.local", "switchboard.discovery.dns.port=8080",
				"switchboard.discovery.refresh-interval=1s")) {
			Thread.sleep(500);
			Changes changes = Changes.of(client);
			List<Long> registered = new ArrayList<>();
			StringBuilder lines = new StringBuilder();
			for (int i = 0; i < trials; i++) {
				String address = "10.0.1." + (i + 1);
				lines.append(address).append(' ').append(SERVICE).append(".svc.local\n");
				CompletableFuture<Long> seen = changes
					.expect((instances) -> instances.stream().anyMatch((instance) -> address.equals(instance.getHost())));
				Path next = directory.resolve("next");
				Files.writeString(next, lines);
				long start = System.nanoTime();
				Files.move(next, hosts.resolve("latency"), StandardCopyOption.REPLACE_EXISTING,
						StandardCopyOption.ATOMIC_MOVE);
				registered.add(seen.get(GIVE_UP.toSeconds(), TimeUnit.SECONDS) - start);
				// Trials start at random points of the refresh cycle.
				Thread.sleep(ThreadLocalRandom.current().nextInt(50, 1000));
			}
			results.put("DNS (dnsmasq, A records, refresh-interval 1s), register", registered);
		}
		finally {
			dnsmasq.destroyForcibly();
			dnsmasq.waitFor(5, TimeUnit.SECONDS);
		}
	}

	private static ConfigurableApplicationContext client(String... properties) {
		return new SpringApplicationBuilder(LatencyClient.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=latency-client", "switchboard.registration.enabled=false",
					"switchboard.discovery.refresh-interval=1m", "spring.grpc.server.enabled=false",
					"logging.level.root=WARN")
			.properties(properties)
			.run();
	}

	private static boolean contains(List<ServiceInstance> instances, String instanceId) {
		return instances.stream().anyMatch((instance) -> instanceId.equals(instance.getInstanceId()));
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	private static double millis(long nanos) {
		return nanos / 1_000_000.0;
	}

	/**
	 * The times at which the client's cache changed, matched against what a trial waits for.
	 */
	private static final class Changes implements InstanceChangeListener {

		private volatile Predicate<List<ServiceInstance>> condition = (instances) -> false;

		private volatile CompletableFuture<Long> seen = new CompletableFuture<>();

		static Changes of(ConfigurableApplicationContext client) {
			CachingServiceDiscovery discovery = client.getBean(CachingServiceDiscovery.class);
			Changes changes = new Changes();
			discovery.addListener(changes);
			// The client calls the service once: from then on the cache follows it.
			discovery.getInstances(SERVICE);
			return changes;
		}

		synchronized CompletableFuture<Long> expect(Predicate<List<ServiceInstance>> condition) {
			this.seen = new CompletableFuture<>();
			this.condition = condition;
			return this.seen;
		}

		@Override
		public void instancesChanged(String serviceId, List<ServiceInstance> instances) {
			long now = System.nanoTime();
			if (SERVICE.equals(serviceId) && this.condition.test(instances)) {
				this.seen.complete(now);
			}
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class LatencyClient {

	}

}
