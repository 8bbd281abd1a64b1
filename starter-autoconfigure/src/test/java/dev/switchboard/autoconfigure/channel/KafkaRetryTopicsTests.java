package dev.switchboard.autoconfigure.channel;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import dev.switchboard.autoconfigure.channel.kafka.KafkaChannelBinder;
import dev.switchboard.autoconfigure.channel.kafka.KafkaChannelBinderAutoConfiguration;
import dev.switchboard.core.annotation.ChannelClient;
import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.annotation.MessageKey;
import dev.switchboard.core.annotation.Publish;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.DeadLetterHeaders;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.MessageHandler;
import dev.switchboard.core.channel.RetrySettings;
import dev.switchboard.core.channel.Subscription;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.test.condition.EmbeddedKafkaCondition;
import org.springframework.kafka.test.context.EmbeddedKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Non-blocking retries through retry topics ({@code retry.mode: topics}) on a real Kafka broker (KRaft, in this
 * JVM, one per class), through the binder itself and through an application's properties.
 *
 * @author Switchboard
 */
@EmbeddedKafka(partitions = 3,
		brokerProperties = { "group.initial.rebalance.delay.ms=0", "offsets.topic.num.partitions=1" })
class KafkaRetryTopicsTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Duration BACKOFF = Duration.ofMillis(400);

	private static KafkaChannelBinder binder;

	private final String suffix = UUID.randomUUID().toString().substring(0, 8);

	private final Queue<String> handled = new ConcurrentLinkedQueue<>();

	private final Map<String, Long> handledAt = new ConcurrentHashMap<>();

	private final Queue<String> headerNames = new ConcurrentLinkedQueue<>();

	@BeforeAll
	static void startBinder() {
		Map<String, Object> connection = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, brokers());
		binder = new KafkaChannelBinder(connection, consumerConfigs(connection), connection, 3, (short) 1);
	}

	/**
	 * A retry waits in its paused partition until due; once resumed, the record is read by the next fetch, which
	 * waits for the fetch in flight for the other partitions: up to fetch.max.wait (500 ms by default) on top of
	 * the backoff. The test's consumers wait 10 ms.
	 */
	private static Map<String, Object> consumerConfigs(Map<String, Object> connection) {
		Map<String, Object> configs = new HashMap<>(connection);
		configs.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
		return configs;
	}

	@AfterAll
	static void closeBinder() {
		binder.close();
	}

	@Test
	void failedRecordIsRetriedWhileLaterRecordsOfItsKeyFlow() throws Exception {
		ChannelDestination orders = new ChannelDestination("orders", "orders-" + this.suffix);
		Subscription subscription = subscribe(orders, (message, context) -> {
			String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
			this.headerNames.addAll(context.getHeaders().keySet());
			this.handled.add(payload + "#" + context.getDeliveryAttempt());
			this.handledAt.put(payload + "#" + context.getDeliveryAttempt(), System.nanoTime());
			if (payload.equals("flaky") && context.getDeliveryAttempt() < 3) {
				throw new IllegalStateException("attempt " + context.getDeliveryAttempt() + " fails");
			}
			return null;
		});
		try {
			send(orders, "flaky");
			send(orders, "later");
			await().atMost(WAIT).until(() -> this.handled.contains("flaky#3"));
			List<String> order = new ArrayList<>(this.handled);
			// The fault: the first two attempts failed and were retried.
			assertThat(order).containsSubsequence("flaky#1", "flaky#2", "flaky#3");
			// The outcome: the record behind it, same key and partition, did not wait for the retries.
			assertThat(order).containsSubsequence("flaky#1", "later#1", "flaky#2");
			assertThat(order).filteredOn((entry) -> entry.startsWith("later")).containsExactly("later#1");
			// Each retry waited for the channel's backoff.
			assertThat(Duration.ofNanos(this.handledAt.get("flaky#2") - this.handledAt.get("flaky#1")))
				.isGreaterThanOrEqualTo(BACKOFF);
			assertThat(Duration.ofNanos(this.handledAt.get("flaky#3") - this.handledAt.get("flaky#2")))
				.isGreaterThanOrEqualTo(BACKOFF);
			// The retry topic's own headers stay out of the handler's sight.
			assertThat(this.headerNames).isNotEmpty().noneMatch((name) -> name.startsWith("switchboard-retry-"));
		}
		finally {
			subscription.close();
		}
	}

	@Test
	void recordThatAlwaysFailsIsDeadLetteredAfterMaxAttempts() throws Exception {
		ChannelDestination orders = new ChannelDestination("orders", "poison-" + this.suffix);
		Subscription subscription = subscribe(orders, (message, context) -> {
			this.handled.add("poison#" + context.getDeliveryAttempt());
			throw new IllegalArgumentException("never valid");
		});
		try {
			send(orders, "poison");
			ConsumerRecord<String, byte[]> deadLetter = consumeOne(orders.name() + ".dlq");
			assertThat(this.handled).containsExactly("poison#1", "poison#2", "poison#3");
			assertThat(deadLetter.key()).isEqualTo("k-1");
			assertThat(header(deadLetter, DeadLetterHeaders.ATTEMPTS)).isEqualTo("3");
			assertThat(header(deadLetter, DeadLetterHeaders.ORIGINAL_DESTINATION)).isEqualTo(orders.name());
			assertThat(header(deadLetter, DeadLetterHeaders.ORIGINAL_GROUP)).isEqualTo("billing");
			assertThat(header(deadLetter, DeadLetterHeaders.EXCEPTION_CLASS))
				.isEqualTo(IllegalArgumentException.class.getName());
			assertThat(header(deadLetter, DeadLetterHeaders.EXCEPTION_MESSAGE)).isEqualTo("never valid");
			// Where it was first consumed, not where it was last retried.
			assertThat(header(deadLetter, KafkaChannelBinder.ORIGINAL_OFFSET_HEADER)).isEqualTo("0");
			String partition = header(deadLetter, KafkaChannelBinder.ORIGINAL_PARTITION_HEADER);
			assertThat(deadLetter.partition()).hasToString(partition);
			// Only text headers Switchboard documents: neither Spring Kafka's nor the retry topic's.
			for (Header header : deadLetter.headers()) {
				assertThat(header.key()).doesNotStartWith("kafka_").doesNotStartWith("switchboard-retry-");
			}
			// The retries kept the key's partition.
			ConsumerRecord<String, byte[]> retried = consumeOne(orders.name() + ".retry.billing");
			assertThat(retried.partition()).hasToString(partition);
		}
		finally {
			subscription.close();
		}
	}

	@Test
	void retryModeTopicsFromPropertiesReachesTheKafkaBinder() {
		String destination = "invoices-" + this.suffix;
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, KafkaAutoConfiguration.class,
					KafkaChannelBinderAutoConfiguration.class, ChannelAutoConfiguration.class))
			.withUserConfiguration(InvoiceConfiguration.class)
			.withPropertyValues("spring.kafka.bootstrap-servers=" + brokers(),
					"spring.kafka.consumer.fetch-max-wait=10ms", "spring.application.name=accounting",
					"switchboard.channels.invoices.binder=kafka",
					"switchboard.channels.invoices.destination=" + destination,
					"switchboard.channels.invoices.retry.mode=topics",
					"switchboard.channels.invoices.retry.backoff=100ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ChannelRegistry.class).getSettings("invoices").consumer().retry().mode())
					.isEqualTo(RetrySettings.Mode.TOPICS);
				InvoiceListener listener = context.getBean(InvoiceListener.class);
				context.getBean(InvoiceEvents.class).issued("c-1", new Invoice("i-1"));
				await().atMost(WAIT).until(() -> listener.attempts.contains(2));
				assertThat(listener.attempts).containsExactly(1, 2);
				// The second attempt came through the retry topic, not from the partition.
				ConsumerRecord<String, byte[]> retried = consumeOne(destination + ".retry.accounting");
				assertThat(retried.key()).isEqualTo("c-1");
			});
	}

	private Subscription subscribe(ChannelDestination destination, MessageHandler handler) {
		RetrySettings retry = new RetrySettings(3, BACKOFF, 1.0, BACKOFF, RetrySettings.Mode.TOPICS);
		ChannelDestination deadLetter = new ChannelDestination(destination.channel(), destination.name() + ".dlq");
		return binder.subscribe(destination, "billing", handler, new ConsumerSettings(1, retry, deadLetter));
	}

	private void send(ChannelDestination destination, String payload) throws Exception {
		binder.send(destination, Message.builder(payload).key("k-1").header("tenant", "acme").build(), Duration.ofSeconds(10))
			.get(10, TimeUnit.SECONDS);
	}

	private ConsumerRecord<String, byte[]> consumeOne(String topic) {
		Map<String, Object> configs = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers(),
				ConsumerConfig.GROUP_ID_CONFIG, "inspector-" + this.suffix, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
				"earliest", ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(configs)) {
			consumer.subscribe(List.of(topic));
			List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
			await().atMost(WAIT).until(() -> {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
				return !records.isEmpty();
			});
			return records.get(0);
		}
	}

	private static String header(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		assertThat(header).as(name).isNotNull();
		return new String(header.value(), StandardCharsets.UTF_8);
	}

	record Invoice(String id) {
	}

	@ChannelClient
	interface InvoiceEvents {

		@Publish("invoices")
		void issued(@MessageKey String customer, Invoice invoice);

	}

	static class InvoiceListener {

		final Queue<Integer> attempts = new ConcurrentLinkedQueue<>();

		@ChannelListener("invoices")
		void on(Invoice invoice, MessageContext context) {
			this.attempts.add(context.getDeliveryAttempt());
			if (context.getDeliveryAttempt() == 1) {
				throw new IllegalStateException("ledger busy");
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableChannelClients(clients = InvoiceEvents.class)
	static class InvoiceConfiguration {

		@Bean
		InvoiceListener invoiceListener() {
			return new InvoiceListener();
		}

	}

	private static String brokers() {
		return EmbeddedKafkaCondition.getBroker().getBrokersAsString();
	}

}
