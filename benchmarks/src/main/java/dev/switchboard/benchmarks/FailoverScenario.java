package dev.switchboard.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.switchboard.autoconfigure.client.ServiceClientRuntime;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.benchmarks.BenchmarkClients.FailoverClient;
import dev.switchboard.benchmarks.BenchmarkClients.SpringLoadBalancedClient;
import dev.switchboard.benchmarks.ClosedLoop.Result;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * One instance of three fails under load, in two ways: <em>refused</em> (its process is gone: connections are
 * refused at once) and <em>black-holed</em> (it accepts connections and requests and never answers, as a hung
 * process or a dropped route does). Switchboard and Spring Cloud LoadBalancer's round robin run alike (idempotent
 * GETs, the same 1 s read timeout, the same transport), each fault and contender more than once, each run with
 * fresh servers and a fresh application.
 *
 * @author Switchboard
 */
final class FailoverScenario {

	private static final Duration RUN = Duration.ofSeconds(6);

	private static final long FAULT_AFTER_MILLIS = 2000;

	private static final String READ_TIMEOUT = "1s";

	/** Starts the benchmark application on a transport over three servers, with extra properties. */
	interface Starter {

		ConfigurableApplicationContext start(String transport, List<LoopbackServer> trio, Map<String, Object> extra);

	}

	private final Starter starter;

	private final Consumer<String> out;

	FailoverScenario(Starter starter, Consumer<String> out) {
		this.starter = starter;
		this.out = out;
	}

	void run(String transport, int threads, int runs) throws Exception {
		this.out.accept("");
		this.out.accept("## One instance of three failing under load (idempotent GETs), transport `" + transport
				+ "`, read timeout " + READ_TIMEOUT + ", fault after " + FAULT_AFTER_MILLIS + " ms of a "
				+ RUN.toSeconds() + " s run");
		this.out.accept("");
		this.out.accept("| fault | contender | run | calls | failed calls | calls routed to the failed instance |"
				+ " fault -> last call routed to it | p50 (us) | p99 (us) | p99.9 (us) | calls/s |");
		this.out.accept("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
		for (Fault fault : Fault.values()) {
			for (int run = 1; run <= runs; run++) {
				// Contenders alternate within each run number, so that machine noise hits both alike.
				for (String contender : List.of("Switchboard @ServiceClient (p2c-ewma)",
						"Spring HTTP interface + Spring Cloud LoadBalancer")) {
					this.out.accept(once(transport, threads, fault, contender, run));
				}
			}
		}
		this.out.accept("");
		this.out.accept("Refused: a call routed to the dead instance fails to connect; Switchboard retries it on a live "
				+ "instance (counted by its retry statistics), Spring Cloud LoadBalancer's round robin fails it. "
				+ "Black-holed: the instance counts every request it receives and answers none; a call there waits "
				+ "for the read timeout.");
	}

	private String once(String transport, int threads, Fault fault, String contender, int run) throws Exception {
		try (LoopbackServer a = new LoopbackServer(); LoopbackServer b = new LoopbackServer();
				LoopbackServer victim = new LoopbackServer()) {
			Map<String, Object> extra = new LinkedHashMap<>();
			extra.put("switchboard.clients.failover.timeout.read", READ_TIMEOUT);
			extra.put("spring.http.serviceclient.springlb.read-timeout", READ_TIMEOUT);
			try (ConfigurableApplicationContext context = this.starter.start(transport, List.of(a, b, victim),
					extra)) {
				boolean switchboard = contender.startsWith("Switchboard");
				ServiceClientRuntime runtime = context.getBean(ServiceClientRuntimes.class).asMap().get("failover");
				FailoverClient failoverClient = context.getBean(FailoverClient.class);
				SpringLoadBalancedClient springClient = context.getBean(SpringLoadBalancedClient.class);
				AtomicLong faultAt = new AtomicLong();
				AtomicLong lastErrorAt = new AtomicLong();
				AtomicLong lastRetryAt = new AtomicLong();
				ClosedLoop.Call call = (i) -> {
					try {
						if (switchboard) {
							failoverClient.item(String.valueOf(i));
						}
						else {
							springClient.item(String.valueOf(i));
						}
					}
					catch (RuntimeException ex) {
						lastErrorAt.set(System.nanoTime());
						throw ex;
					}
				};
				AtomicLong requestsAtFault = new AtomicLong();
				Thread faulter = new Thread(() -> {
					sleep(FAULT_AFTER_MILLIS);
					if (fault == Fault.REFUSED) {
						victim.close();
					}
					else {
						victim.delay(Long.MAX_VALUE / 2);
					}
					requestsAtFault.set(victim.requests());
					faultAt.set(System.nanoTime());
					// Switchboard's retries of refused calls leave no trace on any server: watch its statistics.
					long retries = runtime.getStatistics().getRetries();
					while (System.nanoTime() - faultAt.get() < (RUN.toMillis() - FAULT_AFTER_MILLIS - 100) * 1_000_000) {
						long now = runtime.getStatistics().getRetries();
						if (now != retries) {
							retries = now;
							lastRetryAt.set(System.nanoTime());
						}
						sleep(1);
					}
				}, "fault");
				long retriesBefore = runtime.getStatistics().getRetries();
				faulter.start();
				Result result = ClosedLoop.run(call, threads, RUN);
				faulter.join();
				long routed;
				long lastRouted;
				if (fault == Fault.BLACK_HOLED) {
					routed = victim.requests() - requestsAtFault.get();
					lastRouted = victim.lastRequestNanos();
				}
				else if (switchboard) {
					routed = runtime.getStatistics().getRetries() - retriesBefore;
					lastRouted = lastRetryAt.get();
				}
				else {
					routed = result.errors();
					lastRouted = lastErrorAt.get();
				}
				String last = (lastRouted > faultAt.get())
						? String.format(Locale.ROOT, "%.1f ms", (lastRouted - faultAt.get()) / 1e6) : "none";
				return String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %s | %.0f | %.0f | %.0f | %.0f |",
						fault.label, contender, run, result.calls(), result.errors(), routed, last,
						result.p50Micros(), result.p99Micros(), result.p999Micros(), result.throughput());
			}
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private enum Fault {

		REFUSED("refused"), BLACK_HOLED("black-holed");

		private final String label;

		Fault(String label) {
			this.label = label;
		}

	}

}
