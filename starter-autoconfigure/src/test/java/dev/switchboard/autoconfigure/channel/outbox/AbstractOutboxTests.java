package dev.switchboard.autoconfigure.channel.outbox;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import javax.sql.DataSource;

import dev.switchboard.autoconfigure.actuate.SwitchboardEndpoint;
import dev.switchboard.autoconfigure.channel.ChannelAutoConfiguration;
import dev.switchboard.autoconfigure.channel.ChannelRegistry;
import dev.switchboard.autoconfigure.channel.EnableChannelClients;
import dev.switchboard.autoconfigure.channel.MessageOutbox;
import dev.switchboard.core.annotation.ChannelClient;
import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.annotation.MessageHeader;
import dev.switchboard.core.annotation.MessageKey;
import dev.switchboard.core.annotation.Publish;
import dev.switchboard.core.channel.ChannelBinder;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.InMemoryChannelBinder;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.MessageHandler;
import dev.switchboard.core.channel.MessageNotPublishedException;
import dev.switchboard.core.channel.Subscription;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The outbox's guarantees on one database, through Spring transactions and the in-memory binder: commit
 * publishes, rollback publishes nothing, a publish outside a transaction fails, per-key order holds through
 * failed publishes, two relays publish each row once, published rows are cleaned up, the backlog is measured.
 *
 * @author Switchboard
 */
abstract class AbstractOutboxTests {

	static final Duration WAIT = Duration.ofSeconds(20);

	abstract String[] databaseProperties();

	ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JacksonAutoConfiguration.class, ChannelAutoConfiguration.class, OutboxAutoConfiguration.class))
			.withPropertyValues(databaseProperties())
			.withPropertyValues("spring.application.name=outbox-tests", "switchboard.channels.orders.outbox.enabled=true",
					"switchboard.outbox.relay.backoff=50ms", "switchboard.outbox.relay.max-backoff=200ms")
			.withUserConfiguration(OrderConfiguration.class);
	}

	static void clean(AssertableApplicationContext context) {
		JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
		jdbc.update("DELETE FROM " + JdbcOutboxRepository.TABLE);
		jdbc.execute("CREATE TABLE IF NOT EXISTS outbox_test_orders (id VARCHAR(100) PRIMARY KEY)");
		jdbc.update("DELETE FROM outbox_test_orders");
	}

	static void placeInTransaction(AssertableApplicationContext context, String orderId, int sequence) {
		TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
		JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
		transactions.executeWithoutResult((status) -> {
			jdbc.update("INSERT INTO outbox_test_orders (id) VALUES (?)", orderId + "-" + sequence);
			context.getBean(OrderEvents.class).placed(orderId, new OrderPlaced(orderId, sequence));
		});
	}

	static long rows(AssertableApplicationContext context, String where) {
		Long count = new JdbcTemplate(context.getBean(DataSource.class))
			.queryForObject("SELECT COUNT(*) FROM " + JdbcOutboxRepository.TABLE + " WHERE " + where, Long.class);
		return (count != null) ? count : 0;
	}

	@Test
	void commitPublishesAfterCommitWithoutWaitingForThePoll() {
		TestObservationRegistry observations = TestObservationRegistry.create();
		contextRunner().withPropertyValues("switchboard.outbox.relay.poll-interval=1h")
			.withBean(ObservationRegistry.class, () -> observations)
			.run((context) -> {
				clean(context);
				OrderListener listener = context.getBean(OrderListener.class);
				placeInTransaction(context, "order-1", 1);
				// The poll interval is an hour: only the commit's wake-up can have sent it.
				await().atMost(WAIT).untilAsserted(() -> assertThat(listener.received).hasSize(1));
				MessageContext received = listener.received.get(0);
				assertThat(received.getKey()).isEqualTo("order-1");
				// No Java class name on the wire: OrderPlaced has no @MessageType.
				assertThat(received.getHeader(Message.TYPE_HEADER)).isNull();
				await().atMost(WAIT).until(() -> rows(context, "published_at IS NOT NULL") == 1);
				assertThat(rows(context, "published_at IS NULL")).isZero();
				String storedId = new JdbcTemplate(context.getBean(DataSource.class))
					.queryForObject("SELECT message_id FROM " + JdbcOutboxRepository.TABLE, String.class);
				assertThat(received.getMessageId()).isEqualTo(storedId);
				TestObservationRegistryAssert.assertThat(observations)
					.hasObservationWithNameEqualTo("switchboard.outbox.relay")
					.that()
					.hasLowCardinalityKeyValue("channel", "orders")
					.hasLowCardinalityKeyValue("outcome", "SUCCESS")
					.hasBeenStopped();
			});
	}

	@Test
	void headerTypesSurviveTheTable() {
		contextRunner().run((context) -> {
			clean(context);
			OrderListener listener = context.getBean(OrderListener.class);
			byte[] bytes = { 0, (byte) 0xff };
			context.getBean(TransactionTemplate.class)
				.executeWithoutResult((status) -> context.getBean(OrderEvents.class)
					.placedWithHeaders("typed", new OrderPlaced("typed", 1), 5, 5_000_000_000L, true,
							new BigDecimal("12.50"), bytes));
			// Rows an earlier test left on a shared database may be relayed too: pick this one by its key.
			MessageContext received = await().atMost(WAIT)
				.until(() -> listener.received.stream().filter((delivered) -> "typed".equals(delivered.getKey()))
					.findFirst()
					.orElse(null), Objects::nonNull);
			assertThat(received.getHeaderValue("priority")).isEqualTo(5);
			assertThat(received.getHeaderValue("big")).isEqualTo(5_000_000_000L);
			assertThat(received.getHeaderValue("flag")).isEqualTo(Boolean.TRUE);
			assertThat(received.getHeaderValue("price")).isEqualTo(new BigDecimal("12.50"));
			assertThat(received.getHeaderValue("bytes")).isEqualTo(bytes);
			assertThat(received.getHeaderValue(Message.CONTENT_TYPE_HEADER)).isEqualTo("application/json");
		});
	}

	@Test
	void rollbackPublishesNothing() {
		contextRunner().withPropertyValues("switchboard.outbox.relay.poll-interval=50ms").run((context) -> {
			clean(context);
			OrderListener listener = context.getBean(OrderListener.class);
			TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> transactions
				.executeWithoutResult((status) -> {
					jdbc.update("INSERT INTO outbox_test_orders (id) VALUES ('rolled-back')");
					context.getBean(OrderEvents.class).placed("rolled-back", new OrderPlaced("rolled-back", 1));
					assertThat(rows(context, "message_key = 'rolled-back'")).isEqualTo(1);
					throw new IllegalStateException("payment declined");
				}));
			assertThat(rows(context, "1 = 1")).isZero();
			// A later commit is relayed: had the rolled-back row survived, it would have gone first.
			placeInTransaction(context, "committed", 1);
			await().atMost(WAIT).untilAsserted(() -> assertThat(listener.keys()).contains("committed"));
			assertThat(listener.keys()).containsExactly("committed");
		});
	}

	@Test
	void publishOutsideATransactionFailsNamingTheChannelAndTheProperty() {
		contextRunner().run((context) -> {
			clean(context);
			OrderEvents events = context.getBean(OrderEvents.class);
			assertThatExceptionOfType(OutboxTransactionRequiredException.class)
				.isThrownBy(() -> events.placed("order-1", new OrderPlaced("order-1", 1)))
				.withMessageContaining("Channel 'orders'")
				.withMessageContaining("switchboard.channels.orders.outbox.enabled")
				.withMessageContaining("no transaction is active");
			assertThat(rows(context, "1 = 1")).isZero();
		});
	}

	@Test
	void rowsOfOneKeyArePublishedInOrderThroughFailedPublishes() {
		contextRunner().withPropertyValues("switchboard.outbox.relay.poll-interval=20ms",
				"switchboard.outbox.relay.batch-size=7").run((context) -> {
			clean(context);
			FlakyBinder binder = context.getBean(FlakyBinder.class);
			OrderListener listener = context.getBean(OrderListener.class);
			// The first two sends of sequence 3 of every key fail: sequences 4.. of that key must wait.
			Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
			binder.failWhen((message) -> new String(message.getPayload()).contains("\"sequence\":3")
					&& failures.computeIfAbsent(message.getKey(), (key) -> new AtomicInteger()).incrementAndGet() <= 2);
			List<String> keys = List.of("a", "b", "c", "d");
			for (int sequence = 1; sequence <= 10; sequence++) {
				for (String key : keys) {
					placeInTransaction(context, key, sequence);
				}
			}
			await().atMost(WAIT).untilAsserted(() -> assertThat(listener.received).hasSize(40));
			assertThat(failures.values()).allSatisfy((count) -> assertThat(count.get()).isGreaterThanOrEqualTo(3));
			for (String key : keys) {
				assertThat(listener.sequences(key)).as("key %s", key)
					.containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
			}
			assertThat(rows(context, "attempts = 2")).isEqualTo(4);
		});
	}

	@Test
	void twoRelaysOnOneTablePublishEachRowOnce() throws Exception {
		contextRunner().withPropertyValues("switchboard.outbox.relay.enabled=false").run((context) -> {
			clean(context);
			OrderListener listener = context.getBean(OrderListener.class);
			int count = 400;
			for (int i = 0; i < count; i++) {
				placeInTransaction(context, "order-" + (i % 37), i);
			}
			DataSource dataSource = context.getBean(DataSource.class);
			// Acknowledgements that take a little time keep each relay's batch locked while the other one polls.
			context.getBean(FlakyBinder.class).delay(Duration.ofMillis(2));
			CyclicBarrier start = new CyclicBarrier(2);
			ExecutorService threads = Executors.newFixedThreadPool(2);
			try {
				List<Future<Integer>> relayed = new ArrayList<>();
				for (int r = 0; r < 2; r++) {
					OutboxRelay relay = new OutboxRelay(context.getBean(JdbcOutboxRepository.class),
							new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
							context.getBean(ChannelRegistry.class), 25, new FixedBackOff(10),
							ObservationRegistry.NOOP, java.time.Clock.systemUTC());
					relayed.add(threads.submit(() -> {
						start.await(10, TimeUnit.SECONDS);
						int total = 0;
						while (rows(context, "published_at IS NULL") > 0) {
							total += relay.relayBatch();
						}
						return total;
					}));
				}
				int first = relayed.get(0).get();
				int second = relayed.get(1).get();
				// Both relays did part of the work, and together each row once.
				assertThat(first).isPositive();
				assertThat(second).isPositive();
				assertThat(first + second).isEqualTo(count);
			}
			finally {
				threads.shutdownNow();
			}
			await().atMost(WAIT).untilAsserted(() -> assertThat(listener.received).hasSize(count));
			assertThat(listener.received.stream().map(MessageContext::getMessageId).distinct()).hasSize(count);
			for (int k = 0; k < 37; k++) {
				List<Integer> sequences = listener.sequences("order-" + k);
				assertThat(sequences).isSorted();
			}
		});
	}

	@Test
	void publishedRowsAreDeletedAfterTheirRetentionAndPendingOnesStay() {
		contextRunner().withPropertyValues("switchboard.outbox.relay.enabled=false",
				"switchboard.outbox.cleanup.retention=0s").run((context) -> {
			clean(context);
			placeInTransaction(context, "published", 1);
			placeInTransaction(context, "pending", 1);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			jdbc.update("UPDATE " + JdbcOutboxRepository.TABLE
					+ " SET published_at = CURRENT_TIMESTAMP - INTERVAL '1' SECOND WHERE message_key = 'published'");
			assertThat(context.getBean(OutboxScheduler.class).cleanup()).isEqualTo(1);
			assertThat(rows(context, "1 = 1")).isEqualTo(1);
			assertThat(rows(context, "message_key = 'pending'")).isEqualTo(1);
		});
	}

	@Test
	void backlogGaugesShowPendingRowsAndTheirAge() {
		contextRunner().withPropertyValues("switchboard.outbox.relay.enabled=false").run((context) -> {
			clean(context);
			for (int i = 0; i < 3; i++) {
				placeInTransaction(context, "order-" + i, 1);
			}
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			OutboxBacklog backlog = context.getBean(OutboxBacklog.class);
			new OutboxMeters(backlog).bindTo(meters);
			backlog.refresh();
			assertThat(meters.get("switchboard.outbox.pending").tag("channel", "orders").gauge().value()).isEqualTo(3);
			await().atMost(WAIT).untilAsserted(() -> assertThat(
					meters.get("switchboard.outbox.oldest.age").tag("channel", "orders").gauge().value())
				.isPositive());
			SwitchboardEndpoint endpoint = new SwitchboardEndpoint(null, null, null, null,
					context.getBean(ChannelRegistry.class), null, (name) -> null, (name) -> null,
					context.getBean(MessageOutbox.class));
			SwitchboardEndpoint.OutboxDescriptor outbox = endpoint.switchboard().channels().get("orders").outbox();
			assertThat(outbox).isNotNull();
			assertThat(outbox.pending()).isEqualTo(3);
			assertThat(outbox.oldestAgeSeconds()).isPositive();
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableChannelClients(clients = OrderEvents.class)
	static class OrderConfiguration {

		@Bean
		OrderListener orderListener() {
			return new OrderListener();
		}

		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		FlakyBinder flakyBinder() {
			return new FlakyBinder();
		}

	}

	@ChannelClient
	interface OrderEvents {

		@Publish("orders")
		void placed(@MessageKey String orderId, OrderPlaced event);

		@Publish("orders")
		void placedWithHeaders(@MessageKey String orderId, OrderPlaced event, @MessageHeader("priority") int priority,
				@MessageHeader("big") long big, @MessageHeader("flag") boolean flag,
				@MessageHeader("price") BigDecimal price, @MessageHeader("bytes") byte[] bytes);

	}

	record OrderPlaced(String orderId, int sequence) {
	}

	static class OrderListener {

		final List<MessageContext> received = new CopyOnWriteArrayList<>();

		final Map<String, List<Integer>> sequences = new ConcurrentHashMap<>();

		@ChannelListener("orders")
		void on(OrderPlaced event, MessageContext context) {
			this.received.add(context);
			this.sequences.computeIfAbsent(event.orderId(), (key) -> new CopyOnWriteArrayList<>())
				.add(event.sequence());
		}

		List<String> keys() {
			return this.received.stream().map(MessageContext::getKey).toList();
		}

		List<Integer> sequences(String key) {
			return this.sequences.getOrDefault(key, List.of());
		}

	}

	/**
	 * The in-memory binder, failing the sends a test chooses as never published.
	 */
	static class FlakyBinder implements ChannelBinder {

		private final InMemoryChannelBinder delegate = new InMemoryChannelBinder();

		private volatile Predicate<Message> failing = (message) -> false;

		private volatile Duration delay = Duration.ZERO;

		void failWhen(Predicate<Message> failing) {
			this.failing = failing;
		}

		void delay(Duration delay) {
			this.delay = delay;
		}

		@Override
		public String name() {
			return this.delegate.name();
		}

		@Override
		public CompletableFuture<Void> send(ChannelDestination destination, Message message, Duration timeout) {
			if (this.failing.test(message)) {
				return CompletableFuture
					.failedFuture(new MessageNotPublishedException("broker refused the message", message.getId(), null));
			}
			if (this.delay.isZero()) {
				return this.delegate.send(destination, message, timeout);
			}
			return CompletableFuture.runAsync(() -> {
			}, CompletableFuture.delayedExecutor(this.delay.toNanos(), TimeUnit.NANOSECONDS))
				.thenCompose((ignored) -> this.delegate.send(destination, message, timeout));
		}

		@Override
		public Subscription subscribe(ChannelDestination destination, String group, MessageHandler handler,
				ConsumerSettings settings) {
			return this.delegate.subscribe(destination, group, handler, settings);
		}

		@Override
		public CompletableFuture<Message> request(ChannelDestination destination, Message request, Duration timeout) {
			return this.delegate.request(destination, request, timeout);
		}

		@Override
		public void close() {
			this.delegate.close();
		}

	}

}
