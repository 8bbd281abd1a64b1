package dev.switchboard.benchmarks;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.switchboard.autoconfigure.channel.ChannelAutoConfiguration;
import dev.switchboard.autoconfigure.channel.EnableChannelClients;
import dev.switchboard.autoconfigure.channel.outbox.OutboxAutoConfiguration;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder;
import dev.switchboard.core.annotation.ChannelClient;
import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.annotation.MessageKey;
import dev.switchboard.core.annotation.Publish;
import org.HdrHistogram.Histogram;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The transactional outbox against a direct publish, on PostgreSQL (127.0.0.1:5432) and RabbitMQ (127.0.0.1:5672),
 * through the whole path an application takes: a {@code @ChannelClient} call inside a Spring transaction that also
 * inserts the order. The direct variant waits for the broker's confirm inside the transaction; the outbox variant
 * stores the row and returns, and the relay sends it after commit. Measured per round: committed transactions per
 * second, and for the outbox the lag from commit to delivery at a listener in the same JVM (p50, p99). Variants
 * alternate over the rounds; medians are printed as a markdown table.
 * <p>
 * Arguments: {@code --messages=N} per variant and round (default 3000), {@code --rounds=N} (default 5),
 * {@code --threads=N} writing concurrently (default 4), {@code --batch-size=N} relay batch (default 100).
 *
 * @author Switchboard
 */
public final class OutboxBenchmark {

	private static final String DATABASE = "switchboard_outbox_bench";

	private OutboxBenchmark() {
	}

	/**
	 * Runs the benchmark.
	 * @param args see the class description
	 * @throws Exception when the database or the broker fails
	 */
	public static void main(String[] args) throws Exception {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			String[] pair = arg.replaceFirst("^--", "").split("=", 2);
			options.put(pair[0], (pair.length > 1) ? pair[1] : "true");
		}
		int messages = Integer.parseInt(options.getOrDefault("messages", "3000"));
		int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
		int threads = Integer.parseInt(options.getOrDefault("threads", "4"));
		String run = UUID.randomUUID().toString().substring(0, 8);
		createDatabase();
		Map<String, List<Round>> results = new LinkedHashMap<>();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.NONE)
			.run("--spring.main.banner-mode=off", "--spring.config.name=outbox-benchmark",
					"--spring.application.name=outbox-bench", "--logging.level.root=warn",
					"--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/" + DATABASE,
					"--spring.datasource.username=postgres", "--spring.datasource.hikari.maximum-pool-size=" + (threads + 4),
					"--switchboard.outbox.initialize-schema=always",
					"--switchboard.outbox.relay.batch-size=" + options.getOrDefault("batch-size", "100"),
					"--switchboard.channel-defaults.binder=rabbit",
					"--switchboard.channels.outbox.destination=bench-outbox-" + run,
					"--switchboard.channels.outbox.outbox.enabled=true",
					"--switchboard.channels.direct.destination=bench-direct-" + run)) {
			Receiver receiver = context.getBean(Receiver.class);
			TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			jdbc.execute("CREATE TABLE IF NOT EXISTS bench_orders (id BIGSERIAL PRIMARY KEY, variant VARCHAR(20))");
			BenchEvents events = context.getBean(BenchEvents.class);
			AtomicInteger sequence = new AtomicInteger();
			Map<String, Runnable> variants = new LinkedHashMap<>();
			variants.put("direct publish in the transaction (waits for the confirm)", () -> {
				int seq = sequence.incrementAndGet();
				transactions.executeWithoutResult((status) -> {
					jdbc.update("INSERT INTO bench_orders (variant) VALUES ('direct')");
					events.direct("order-" + seq, new Placed(seq));
				});
			});
			variants.put("outbox publish (stored, relayed after commit)", () -> {
				int seq = sequence.incrementAndGet();
				transactions.executeWithoutResult((status) -> {
					jdbc.update("INSERT INTO bench_orders (variant) VALUES ('outbox')");
					TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

						@Override
						public void afterCommit() {
							receiver.committedAt.put(seq, System.nanoTime());
						}

					});
					events.outbox("order-" + seq, new Placed(seq));
				});
			});
			// Warm-up: JIT, connections, queues.
			for (Map.Entry<String, Runnable> variant : variants.entrySet()) {
				measure(variant.getValue(), messages / 3, threads, receiver);
			}
			List<String> names = new ArrayList<>(variants.keySet());
			for (int round = 0; round < rounds; round++) {
				for (int i = 0; i < names.size(); i++) {
					String name = names.get((round + i) % names.size());
					results.computeIfAbsent(name, (key) -> new ArrayList<>())
						.add(measure(variants.get(name), messages, threads, receiver));
				}
			}
			System.out.printf(Locale.ROOT, "%n| variant | median tx/s | rounds (tx/s) | commit-to-delivery p50 (ms) "
					+ "| p99 (ms) | CPU us/tx (this JVM) |%n|---|---:|---|---:|---:|---:|%n");
			results.forEach((variant, measured) -> {
				System.out.printf(Locale.ROOT, "| %s | %.0f | %s | %s | %s | %.0f |%n", variant,
						median(measured.stream().map(Round::rate).toList()),
						measured.stream().map((r) -> String.format(Locale.ROOT, "%.0f", r.rate())).toList(),
						lag(measured, true), lag(measured, false),
						median(measured.stream().map(Round::cpuMicros).toList()));
			});
		}
		// After the listeners stopped with the context: deleting a queue under a consumer makes it complain.
		CachingConnectionFactory connections = new CachingConnectionFactory("127.0.0.1");
		RabbitAdmin admin = new RabbitAdmin(connections);
		for (String channel : List.of("outbox", "direct")) {
			admin.deleteQueue("bench-" + channel + "-" + run + ".outbox-bench");
			admin.deleteExchange("bench-" + channel + "-" + run);
		}
		connections.destroy();
		System.exit(0);
	}

	private static Round measure(Runnable transaction, int messages, int threads, Receiver receiver)
			throws Exception {
		receiver.reset(messages);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		AtomicInteger remaining = new AtomicInteger(messages);
		long cpuBefore = processCpuNanos();
		long start = System.nanoTime();
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			workers.add(pool.submit(() -> {
				while (remaining.getAndDecrement() > 0) {
					transaction.run();
				}
			}));
		}
		for (Future<?> worker : workers) {
			worker.get();
		}
		long committed = System.nanoTime() - start;
		if (!receiver.delivered.await(120, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Not every message delivered: " + receiver.delivered.getCount()
					+ " missing");
		}
		long cpu = processCpuNanos() - cpuBefore;
		pool.shutdown();
		return new Round(messages / (committed / 1e9), receiver.lags.get(), cpu / 1000.0 / messages);
	}

	private static String lag(List<Round> rounds, boolean p50) {
		if (rounds.get(0).lags().getTotalCount() == 0) {
			return "-";
		}
		double ms = median(rounds.stream()
			.map((round) -> round.lags().getValueAtPercentile(p50 ? 50 : 99) / 1e6)
			.toList());
		return String.format(Locale.ROOT, "%.1f", ms);
	}

	private static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		return sorted.get(sorted.size() / 2);
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static void createDatabase() throws Exception {
		try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres",
				"postgres", ""); Statement statement = connection.createStatement()) {
			try (ResultSet exists = statement
				.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
				if (!exists.next()) {
					statement.execute("CREATE DATABASE " + DATABASE);
				}
			}
		}
	}

	record Round(double rate, Histogram lags, double cpuMicros) {
	}

	record Placed(int seq) {
	}

	@ChannelClient
	interface BenchEvents {

		@Publish("direct")
		void direct(@MessageKey String key, Placed placed);

		@Publish("outbox")
		void outbox(@MessageKey String key, Placed placed);

	}

	static final class Receiver {

		final Map<Integer, Long> committedAt = new ConcurrentHashMap<>();

		volatile CountDownLatch delivered = new CountDownLatch(0);

		final java.util.concurrent.atomic.AtomicReference<Histogram> lags = new java.util.concurrent.atomic.AtomicReference<>(
				new Histogram(3));

		void reset(int messages) {
			this.committedAt.clear();
			this.lags.set(new Histogram(3));
			this.delivered = new CountDownLatch(messages);
		}

		@ChannelListener("direct")
		void direct(Placed placed) {
			this.delivered.countDown();
		}

		@ChannelListener("outbox")
		void outbox(Placed placed) {
			Long committed = this.committedAt.remove(placed.seq());
			if (committed != null) {
				Histogram histogram = this.lags.get();
				synchronized (histogram) {
					histogram.recordValue(Math.max(0, System.nanoTime() - committed));
				}
			}
			this.delivered.countDown();
		}

	}

	/** The application: the channel, JDBC and outbox auto-configuration, and a RabbitMQ binder. */
	@SpringBootConfiguration
	@ImportAutoConfiguration({ JacksonAutoConfiguration.class, DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
			ChannelAutoConfiguration.class, OutboxAutoConfiguration.class })
	@EnableChannelClients(clients = BenchEvents.class)
	static class App {

		@Bean
		RabbitChannelBinder rabbitChannelBinder() {
			return new RabbitChannelBinder(new CachingConnectionFactory("127.0.0.1"),
					RabbitChannelBinder.Settings.ofDefaults());
		}

		@Bean
		JdbcTemplate jdbcTemplate(javax.sql.DataSource dataSource) {
			return new JdbcTemplate(dataSource);
		}

		@Bean
		Receiver receiver() {
			return new Receiver();
		}

	}

}
