package dev.switchboard.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.autoconfigure.channel.dedup.JdbcIdempotencyStore;
import dev.switchboard.autoconfigure.channel.dedup.RedisIdempotencyStore;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.DeduplicationListener;
import dev.switchboard.core.channel.IdempotencyStore;
import dev.switchboard.core.channel.IdempotentConsumer;
import dev.switchboard.core.channel.InMemoryIdempotencyStore;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.MessageHandler;
import org.HdrHistogram.Histogram;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * What duplicate suppression costs per consumed message, per store: the time {@link IdempotentConsumer} adds to
 * a delivery whose listener does nothing (a claim before it, a mark after it), one consumer thread, each message
 * new. Stores: memory, JDBC on PostgreSQL (127.0.0.1:5432, database {@code switchboard_dedup}, a Hikari pool,
 * table created from the shipped script) and Redis (127.0.0.1:6379, Lettuce). The stores alternate within each
 * round, the order rotating; the table shows the medians of the rounds and the process CPU per message.
 * <p>
 * Arguments: {@code --stores=memory,jdbc,redis}, {@code --messages=N} per store and round (default 5000),
 * {@code --rounds=N} (default 5), {@code --jdbc-url=...}, {@code --redis-host=...}.
 *
 * @author Switchboard
 */
public final class IdempotencyStoreBenchmark {

	private IdempotencyStoreBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			String[] pair = arg.replaceFirst("^--", "").split("=", 2);
			options.put(pair[0], (pair.length > 1) ? pair[1] : "true");
		}
		List<String> names = Arrays.asList(options.getOrDefault("stores", "memory,jdbc,redis").split(","));
		int messages = Integer.parseInt(options.getOrDefault("messages", "5000"));
		int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
		String jdbcUrl = options.getOrDefault("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/switchboard_dedup");
		String redisHost = options.getOrDefault("redis-host", "127.0.0.1");
		String run = UUID.randomUUID().toString().substring(0, 8);

		Duration window = Duration.ofMinutes(10);
		Map<String, IdempotencyStore> stores = new LinkedHashMap<>();
		List<AutoCloseable> resources = new ArrayList<>();
		JdbcTemplate jdbc = null;
		StringRedisTemplate redis = null;
		for (String name : names) {
			switch (name) {
				case "memory" -> stores.put(name, new InMemoryIdempotencyStore(1_000_000, window));
				case "jdbc" -> {
					HikariDataSource dataSource = new HikariDataSource();
					dataSource.setJdbcUrl(jdbcUrl);
					dataSource.setUsername("postgres");
					dataSource.setMaximumPoolSize(4);
					resources.add(dataSource);
					new ResourceDatabasePopulator(new ClassPathResource(
							"dev/switchboard/autoconfigure/channel/dedup/schema-postgresql.sql"))
						.execute(dataSource);
					jdbc = new JdbcTemplate(dataSource);
					stores.put(name, new JdbcIdempotencyStore(jdbc, window));
				}
				case "redis" -> {
					LettuceConnectionFactory connectionFactory = new LettuceConnectionFactory(redisHost, 6379);
					connectionFactory.afterPropertiesSet();
					connectionFactory.start();
					resources.add(connectionFactory::destroy);
					redis = new StringRedisTemplate(connectionFactory);
					stores.put(name, new RedisIdempotencyStore(redis, "switchboard-bench:" + run + ":", window));
				}
				default -> throw new IllegalArgumentException("Unknown store '" + name + "'");
			}
		}
		Map<String, List<double[]>> results = new LinkedHashMap<>();
		stores.keySet().forEach((name) -> results.put(name, new ArrayList<>()));
		try {
			// Warm-up round (JIT, connections), then rounds with the order rotating.
			for (Map.Entry<String, IdempotencyStore> store : stores.entrySet()) {
				measure(store.getValue(), "warmup-" + run, Math.min(messages, 2000), window);
			}
			List<String> order = new ArrayList<>(stores.keySet());
			for (int round = 0; round < rounds; round++) {
				for (int i = 0; i < order.size(); i++) {
					String name = order.get((i + round) % order.size());
					double[] result = measure(stores.get(name), run + "-" + round, messages, window);
					results.get(name).add(result);
					System.out.printf(Locale.ROOT, "round %d %-6s p50 %.1f us  p99 %.1f us  cpu %.1f us/msg%n", round + 1,
							name, result[0], result[1], result[2]);
				}
			}
		}
		finally {
			if (jdbc != null) {
				jdbc.update("DELETE FROM " + JdbcIdempotencyStore.TABLE + " WHERE scope LIKE ?", "bench/%");
			}
			if (redis != null) {
				var keys = redis.keys("switchboard-bench:" + run + ":*");
				if (!keys.isEmpty()) {
					redis.delete(keys);
				}
			}
			for (AutoCloseable resource : resources) {
				resource.close();
			}
		}
		System.out.println();
		System.out.println("| Store | p50 µs (median) | p99 µs (median) | p50 per round | CPU µs/msg (median) |");
		System.out.println("|---|---:|---:|---|---:|");
		for (Map.Entry<String, List<double[]>> entry : results.entrySet()) {
			List<double[]> rows = entry.getValue();
			StringBuilder perRound = new StringBuilder();
			for (double[] row : rows) {
				perRound.append((perRound.length() > 0) ? " / " : "").append(String.format(Locale.ROOT, "%.1f", row[0]));
			}
			System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %s | %.1f |%n", entry.getKey(), median(rows, 0),
					median(rows, 1), perRound, median(rows, 2));
		}
	}

	/**
	 * Runs {@code messages} new messages through the policy.
	 * @return p50 and p99 in µs, process CPU µs per message
	 */
	private static double[] measure(IdempotencyStore store, String group, int messages, Duration window)
			throws Exception {
		IdempotentConsumer policy = new IdempotentConsumer(store, Duration.ofMinutes(2), window, Clock.systemUTC(),
				DeduplicationListener.NONE);
		MessageHandler handler = policy.wrap((message, context) -> null);
		ChannelDestination destination = ChannelDestination.of("bench");
		Histogram histogram = new Histogram(3_600_000_000L, 3);
		Message[] batch = new Message[messages];
		for (int i = 0; i < messages; i++) {
			batch[i] = Message.builder("{}").id(UUID.randomUUID().toString()).build();
		}
		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();
		long cpuStart = os.getProcessCpuTime();
		for (Message message : batch) {
			MessageContext context = new MessageContext(destination, group, message, 1);
			long start = System.nanoTime();
			handler.handle(message, context);
			histogram.recordValue((System.nanoTime() - start));
		}
		long cpu = os.getProcessCpuTime() - cpuStart;
		return new double[] { histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
				cpu / 1000.0 / messages };
	}

	private static double median(List<double[]> rows, int column) {
		double[] values = rows.stream().mapToDouble((row) -> row[column]).sorted().toArray();
		return values[values.length / 2];
	}

}
