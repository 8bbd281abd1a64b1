package dev.switchboard.test.fault.consumer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.switchboard.test.fault.consumer.app.ConsumerCrashApplication;
import dev.switchboard.test.fault.consumer.app.OrderPlaced;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A consumer process killed with SIGKILL mid-stream loses no message. The consumer is a real application
 * ({@link ConsumerCrashApplication}) in a second JVM; it records each processed message in PostgreSQL before its
 * listener returns, so the record survives the kill. The test publishes {@value #MESSAGES} messages through
 * Switchboard, kills the consumer while it is working through them, asserts that the kill happened and that the
 * broker saw it, starts the consumer again and asserts that every message was processed, and that the only
 * messages processed twice are ones the killed process had processed but not yet acknowledged.
 *
 * @author Switchboard
 */
abstract class AbstractConsumerCrashTests {

	static final int MESSAGES = 1000;

	/** Consumer threads of the listener, {@code switchboard.channels.orders.concurrency} in consumer-crash.yml. */
	static final int CONCURRENCY = 2;

	/**
	 * Messages a consumer thread holds unacknowledged at most: the RabbitMQ prefetch and the Kafka
	 * {@code max.poll.records} in consumer-crash.yml.
	 */
	static final int IN_FLIGHT_PER_CONSUMER = 50;

	private static final Duration STARTUP = Duration.ofSeconds(90);

	/** Far more than draining takes (under 10 s here): reaching it means messages are missing. */
	private static final Duration DRAIN = Duration.ofSeconds(30);

	private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 10);

	private final List<ConsumerProcess> processes = new ArrayList<>();

	private @Nullable ConfigurableApplicationContext publisher;

	private @Nullable ProcessedLedger ledger;

	/** The binder's name in {@code switchboard.channels.<name>.binder}. */
	protected abstract String binder();

	/** The properties that point the applications at the broker. */
	protected abstract List<String> brokerProperties();

	/**
	 * Asserts that the broker noticed the consumer's death and kept what it had not acknowledged.
	 * @param destination the channel's destination
	 * @param group the consumer group
	 * @param processedBeforeKill the messages the killed process had recorded as processed
	 */
	protected abstract void assertBrokerLostConsumer(String destination, String group, int processedBeforeKill)
			throws Exception;

	/**
	 * Asserts, while the consumer restarts, what the broker does about the dead consumer in its own time.
	 * @param group the consumer group
	 */
	protected void assertBrokerDroppedDeadConsumer(String group) throws Exception {
	}

	/**
	 * Properties of the consumer application beyond the broker's, such as a shared idempotency store.
	 * @return properties without the leading {@code --}
	 */
	protected List<String> consumerProperties() {
		return List.of();
	}

	/** How long processing one message takes, so that a kill lands mid-stream. */
	protected Duration work() {
		return Duration.ofMillis(4);
	}

	/**
	 * Called right before the kill, once the consumer is working through the messages: a test may wait here for
	 * the moment its fault should hit.
	 * @param destination the channel's destination
	 * @param group the consumer group
	 */
	protected void beforeKill(String destination, String group) throws Exception {
	}

	/**
	 * Called right after the kill was asserted, before the consumer restarts.
	 * @param destination the channel's destination
	 * @param group the consumer group
	 */
	protected void afterKill(String destination, String group) throws Exception {
	}

	/**
	 * Asserts which messages were processed twice. Without a shared store, the in-memory duplicate suppression
	 * died with the process: messages the killed process had processed and not yet acknowledged are processed
	 * once more by the restarted one.
	 * @param duplicates the messages processed more than once, with the instances that processed them
	 */
	protected void assertDuplicates(Map<String, List<Integer>> duplicates) {
		assertThat(duplicates.values()).allSatisfy((instances) -> assertThat(instances).containsExactly(1, 2));
		assertThat(duplicates).as("messages processed twice")
			.hasSizeLessThanOrEqualTo(CONCURRENCY * IN_FLIGHT_PER_CONSUMER);
	}

	/**
	 * Asserts what the restarted consumer's log shows, once every message was processed.
	 * @param log the restarted consumer's log
	 */
	protected void assertRestartedConsumerLog(String log) {
	}

	/**
	 * Deletes what the run left on the broker.
	 * @param destination the channel's destination
	 * @param group the consumer group
	 */
	protected abstract void deleteBrokerResources(String destination, String group) throws Exception;

	protected final String destination() {
		return "switchboard-crash-" + binder() + "-" + this.run;
	}

	protected final String group() {
		return "crash-consumer-" + this.run;
	}

	@Test
	void consumerKilledMidStreamLosesNoMessageAfterRestart() throws Exception {
		ProcessedLedger ledger = ProcessedLedger.create("consumer_crash_" + this.run);
		this.ledger = ledger;
		ConsumerProcess first = startConsumer(1);
		// Starts while the consumer's JVM does; publishes once the consumer has subscribed (RabbitMQ keeps nothing
		// for a group before its queue exists).
		OrderEvents events = startPublisher().getBean(OrderEvents.class);
		awaitStarted(first, 1);
		List<CompletableFuture<Void>> confirms = new ArrayList<>();
		for (int seq = 0; seq < MESSAGES; seq++) {
			confirms.add(events.placed("order-" + seq, new OrderPlaced(seq)));
		}
		// Every message is on the broker before the kill: a loss after it is the consumer's.
		CompletableFuture.allOf(confirms.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

		await("first consumer working through the messages").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(10))
			.until(ledger::processed, (processed) -> processed >= MESSAGES / 4);
		beforeKill(destination(), group());
		int exitCode = first.kill();
		long killedAt = System.nanoTime();

		// The fault happened: the consumer that was processing died of SIGKILL, mid-stream.
		assertThat(ledger.startedPid(1)).isEqualTo(first.pid());
		assertThat(first.isAlive()).isFalse();
		assertThat(exitCode).isEqualTo(ConsumerProcess.SIGKILL_EXIT_CODE);
		int processedBeforeKill = ledger.processedBy(1);
		assertThat(processedBeforeKill).as("messages processed when the kill landed")
			.isGreaterThan(0)
			.isLessThan(MESSAGES);
		assertBrokerLostConsumer(destination(), group(), processedBeforeKill);
		afterKill(destination(), group());

		long restartedAt = System.nanoTime();
		ConsumerProcess second = startConsumer(2);
		assertBrokerDroppedDeadConsumer(group());
		awaitStarted(second, 2);
		long readyAt = System.nanoTime();
		try {
			await("every message processed after the restart").atMost(DRAIN)
				.pollInterval(Duration.ofMillis(50))
				.until(() -> ledger.processed() == MESSAGES || !second.isAlive());
		}
		catch (ConditionTimeoutException ex) {
			// Messages are missing: the assertions below name them.
		}
		long drainedAt = System.nanoTime();
		assertThat(second.isAlive()).as("the restarted consumer runs (log: %s)", second.log()).isTrue();

		// None lost: every published sequence number was processed, each message by its one id.
		assertThat(ledger.missingSeqs(MESSAGES)).as("messages never processed (lost)").isEmpty();
		assertThat(ledger.distinctSeqs()).isEqualTo(MESSAGES);
		assertThat(ledger.processed()).isEqualTo(MESSAGES);
		// The dead process wrote nothing after its death.
		assertThat(ledger.processedBy(1)).isEqualTo(processedBeforeKill);
		// Duplicates: only messages the killed process had processed and not yet acknowledged.
		Map<String, List<Integer>> duplicates = ledger.duplicates();
		assertDuplicates(duplicates);
		assertThat(ledger.processings()).isEqualTo(MESSAGES + duplicates.size());
		assertRestartedConsumerLog(Files.readString(second.log()));

		System.out.printf("consumer-crash %s%s: messages=%d processedBeforeKill=%d duplicates=%d"
				+ " restartToReady=%d ms readyToDrained=%d ms killToDrained=%d ms%n", binder(),
				consumerProperties().isEmpty() ? "" : " " + getClass().getSimpleName(), MESSAGES,
				processedBeforeKill, duplicates.size(), TimeUnit.NANOSECONDS.toMillis(readyAt - restartedAt),
				TimeUnit.NANOSECONDS.toMillis(drainedAt - readyAt), TimeUnit.NANOSECONDS.toMillis(drainedAt - killedAt));
	}

	@AfterEach
	void stopEverything() throws Exception {
		try {
			for (ConsumerProcess process : this.processes) {
				process.close();
			}
			if (this.publisher != null) {
				this.publisher.close();
			}
			deleteBrokerResources(destination(), group());
		}
		finally {
			if (this.ledger != null) {
				this.ledger.close();
			}
		}
	}

	private ConsumerProcess startConsumer(int instance) throws Exception {
		List<String> args = new ArrayList<>(applicationProperties());
		args.addAll(List.of("--consumer-crash.jdbc-url=" + ProcessedLedger.JDBC_URL,
				"--consumer-crash.table=" + this.ledger.table(), "--consumer-crash.instance=" + instance,
				"--consumer-crash.work=" + work().toMillis() + "ms"));
		args.addAll(consumerProperties());
		Path log = Paths.get(System.getProperty("java.io.tmpdir"), "consumer-crash",
				binder() + "-" + this.run + "-" + instance + ".log");
		ConsumerProcess process = ConsumerProcess.start(ConsumerCrashApplication.class,
				args.stream().map((property) -> property.startsWith("--") ? property : "--" + property).toList(), log);
		this.processes.add(process);
		return process;
	}

	private void awaitStarted(ConsumerProcess process, int instance) {
		await("consumer " + process + " started").atMost(STARTUP)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.ledger.startedPid(instance) != -1 || !process.isAlive());
		assertThat(process.isAlive()).as("consumer %s started", process).isTrue();
	}

	private ConfigurableApplicationContext startPublisher() {
		this.publisher = new SpringApplicationBuilder(Publisher.class).main(Publisher.class)
			.web(WebApplicationType.NONE)
			.run(applicationProperties().stream().map((property) -> "--" + property).toArray(String[]::new));
		return this.publisher;
	}

	/** What the consumer and the publisher share: consumer-crash.yml, the channel and the broker. */
	private List<String> applicationProperties() {
		List<String> properties = new ArrayList<>(List.of("spring.config.name=consumer-crash",
				"switchboard.channel-defaults.binder=" + binder(),
				"switchboard.channels.orders.binder=" + binder(),
				"switchboard.channels.orders.destination=" + destination(),
				"switchboard.channels.orders.group=" + group()));
		properties.addAll(brokerProperties());
		return properties;
	}

	/** The publishing application in the test JVM: {@link OrderEvents} and nothing that listens. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Publisher {

	}

}
