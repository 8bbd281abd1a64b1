package dev.switchboard.test.fault.outbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.test.fault.outbox.app.OutboxCrashApplication;
import dev.switchboard.test.fault.outbox.app.OutboxCrashApplication.OrderPlaced;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application killed with SIGKILL between committing orders with their outbox rows and publishing them: a
 * second instance relays every row to RabbitMQ (127.0.0.1:5672) after the restart, each delivered once, in the
 * order of its key. The outbox table lives in PostgreSQL (127.0.0.1:5432).
 *
 * @author Switchboard
 */
class OutboxCrashTests {

	private static final String DATABASE = "switchboard_outbox_crash";

	static final String JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/" + DATABASE;

	private static final int ORDERS = 60;

	private static final int SIGKILL_EXIT_CODE = 137;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final List<Process> processes = new ArrayList<>();

	private @Nullable ConfigurableApplicationContext consumer;

	@BeforeAll
	static void createDatabase() throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres",
				"postgres", ""); Statement statement = connection.createStatement()) {
			try (ResultSet exists = statement
				.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
				if (!exists.next()) {
					statement.execute("CREATE DATABASE " + DATABASE);
				}
			}
		}
		try (Connection connection = DriverManager.getConnection(JDBC_URL, "postgres", "");
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS outbox_crash_orders (run VARCHAR(20), seq INTEGER)");
		}
	}

	@Test
	void killedBetweenCommitAndPublishLosesNothingAfterRestart() throws Exception {
		Receiver receiver = startConsumer().getBean(Receiver.class);
		Process writer = startApplication(1, ORDERS, false);
		await("the first instance committing " + ORDERS + " orders").atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> pendingRows() == ORDERS || !writer.isAlive());
		assertThat(writer.isAlive()).as("the writer runs (log: %s)", log(1)).isTrue();
		assertThat(countOrders()).isEqualTo(ORDERS);
		writer.destroyForcibly();
		assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();

		// The fault happened: the process died of SIGKILL with every order committed and no event published.
		assertThat(writer.exitValue()).isEqualTo(SIGKILL_EXIT_CODE);
		assertThat(writer.isAlive()).isFalse();
		assertThat(pendingRows()).isEqualTo(ORDERS);
		assertThat(receiver.received).isEmpty();

		Process relay = startApplication(2, 0, true);
		await("every event delivered after the restart").atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> receiver.received.size() >= ORDERS || !relay.isAlive());
		assertThat(relay.isAlive()).as("the relaying instance runs (log: %s)", log(2)).isTrue();
		await("rows marked published").atMost(Duration.ofSeconds(30)).until(() -> pendingRows() == 0);
		// Each delivered once: a late duplicate would arrive within the relay's next polls.
		await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
			.until(() -> receiver.received.size() == ORDERS);
		assertThat(receiver.received.stream().map(MessageContext::getMessageId).distinct()).hasSize(ORDERS);
		assertThat(receiver.received.stream().map(MessageContext::getMessageId).collect(Collectors.toSet()))
			.isEqualTo(storedMessageIds());
		assertThat(receiver.bySequence.keySet()).hasSize(ORDERS);
		receiver.byKey.forEach((key, seqs) -> assertThat(seqs).as("order of key %s", key).isSorted());
	}

	@AfterEach
	void stopEverything() throws Exception {
		for (Process process : this.processes) {
			if (process.isAlive()) {
				process.destroyForcibly();
				process.waitFor(10, TimeUnit.SECONDS);
			}
		}
		if (this.consumer != null) {
			this.consumer.close();
		}
		try (Connection connection = DriverManager.getConnection(JDBC_URL, "postgres", "");
				Statement statement = connection.createStatement()) {
			statement.execute("DELETE FROM switchboard_outbox WHERE channel = 'orders' AND destination = '"
					+ destination() + "'");
			statement.execute("DELETE FROM outbox_crash_orders WHERE run = '" + this.run + "'");
		}
		CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1", 5672);
		try {
			RabbitAdmin admin = new RabbitAdmin(connectionFactory);
			admin.deleteQueue(destination() + "." + group());
			admin.deleteExchange(destination());
		}
		finally {
			connectionFactory.destroy();
		}
	}

	private String destination() {
		return "switchboard-outbox-crash-" + this.run;
	}

	private String group() {
		return "outbox-crash-" + this.run;
	}

	private List<String> sharedProperties() {
		return List.of("spring.config.name=outbox-crash", "spring.main.banner-mode=off",
				"spring.rabbitmq.host=127.0.0.1", "spring.rabbitmq.port=5672",
				"switchboard.channel-defaults.binder=rabbit", "switchboard.channels.orders.destination=" + destination(),
				"switchboard.channels.orders.group=" + group());
	}

	private ConfigurableApplicationContext startConsumer() {
		List<String> properties = new ArrayList<>(sharedProperties());
		properties.add("spring.application.name=outbox-crash-consumer");
		// Every delivery counts: no duplicate suppression hides a second publish.
		properties.add("switchboard.channel-deduplication.enabled=false");
		this.consumer = new SpringApplicationBuilder(Consumer.class).web(WebApplicationType.NONE)
			.run(properties.stream().map((property) -> "--" + property).toArray(String[]::new));
		return this.consumer;
	}

	private Process startApplication(int instance, int orders, boolean relay) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
				"-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), OutboxCrashApplication.class.getName()));
		List<String> properties = new ArrayList<>(sharedProperties());
		properties.addAll(List.of("spring.application.name=outbox-crash-" + instance,
				"spring.datasource.url=" + JDBC_URL, "spring.datasource.username=postgres",
				"switchboard.channels.orders.outbox.enabled=true", "switchboard.outbox.initialize-schema=always",
				"switchboard.outbox.relay.enabled=" + relay, "switchboard.outbox.relay.poll-interval=200ms",
				"outbox-crash.orders=" + orders, "outbox-crash.run=" + this.run));
		properties.forEach((property) -> command.add("--" + property));
		Path log = log(instance);
		Files.createDirectories(log.getParent());
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		this.processes.add(process);
		return process;
	}

	private Path log(int instance) {
		return Paths.get(System.getProperty("java.io.tmpdir"), "outbox-crash", this.run + "-" + instance + ".log");
	}

	private long pendingRows() throws SQLException {
		return count("SELECT COUNT(*) FROM switchboard_outbox WHERE published_at IS NULL AND destination = '"
				+ destination() + "'");
	}

	private long countOrders() throws SQLException {
		return count("SELECT COUNT(*) FROM outbox_crash_orders WHERE run = '" + this.run + "'");
	}

	private java.util.Set<String> storedMessageIds() throws SQLException {
		java.util.Set<String> ids = new java.util.HashSet<>();
		try (Connection connection = DriverManager.getConnection(JDBC_URL, "postgres", "");
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(
						"SELECT message_id FROM switchboard_outbox WHERE destination = '" + destination() + "'")) {
			while (rows.next()) {
				ids.add(rows.getString(1));
			}
		}
		return ids;
	}

	private static long count(String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(JDBC_URL, "postgres", "");
				Statement statement = connection.createStatement()) {
			try (ResultSet exists = statement.executeQuery(
					"SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'switchboard_outbox'")) {
				exists.next();
				if (exists.getLong(1) == 0) {
					return -1;
				}
			}
			try (ResultSet rows = statement.executeQuery(sql)) {
				rows.next();
				return rows.getLong(1);
			}
		}
	}

	/** The consumer in the test JVM: counts every delivery. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Consumer {

		@Bean
		Receiver receiver() {
			return new Receiver();
		}

	}

	static class Receiver {

		final List<MessageContext> received = new CopyOnWriteArrayList<>();

		final Map<Integer, Integer> bySequence = new ConcurrentHashMap<>();

		final Map<String, List<Integer>> byKey = new ConcurrentHashMap<>();

		@ChannelListener("orders")
		void on(OrderPlaced order, MessageContext context) {
			this.received.add(context);
			this.bySequence.merge(order.seq(), 1, Integer::sum);
			this.byKey.computeIfAbsent(context.getKey(), (key) -> new CopyOnWriteArrayList<>()).add(order.seq());
		}

	}

}
