package dev.switchboard.autoconfigure.channel;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.switchboard.autoconfigure.channel.kafka.KafkaChannelBinder;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.condition.EmbeddedKafkaCondition;
import org.springframework.kafka.test.context.EmbeddedKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The channel scenarios on a real Kafka broker (KRaft, in this JVM, one per class), through the same application
 * code as {@link MemoryChannelBinderTests}.
 *
 * @author Switchboard
 */
@EmbeddedKafka(brokerProperties = { "group.initial.rebalance.delay.ms=0", "offsets.topic.num.partitions=3" })
class KafkaChannelBinderTests extends AbstractChannelBinderTests {

	@Override
	protected String binder() {
		return "kafka";
	}

	@Override
	protected int orderedConcurrency() {
		return 3;
	}

	@Override
	protected List<String> brokerProperties() {
		EmbeddedKafkaBroker broker = EmbeddedKafkaCondition.getBroker();
		return List.of("spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
				// Each retry seeks back to the failed record; the fetch already in flight for the partition then
				// waits fetch.max.wait (500 ms by default) for new records before the record is read again.
				"spring.kafka.consumer.fetch-max-wait=10ms",
				// The channels' consumers share one group and join it one after the other: a member learns of a
				// rebalance from its next heartbeat (every 3 s by default), and the group waits for all of them.
				"spring.kafka.consumer.heartbeat-interval=100ms");
	}

	@Test
	void messagesAreConventionalForOtherKafkaClients() throws Exception {
		Map<String, Object> configs = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
				EmbeddedKafkaCondition.getBroker().getBrokersAsString(), ConsumerConfig.GROUP_ID_CONFIG,
				"foreign-" + this.suffix, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
				ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		events().placed("k-7", new Order("to-foreign"), "acme").get(10, TimeUnit.SECONDS);
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(configs)) {
			consumer.subscribe(List.of(destination("orders")));
			ConsumerRecord<String, String> record = await().atMost(WAIT).until(() -> {
				for (ConsumerRecord<String, String> candidate : consumer.poll(Duration.ofMillis(200))) {
					if (candidate.value().contains("to-foreign")) {
						return candidate;
					}
				}
				return null;
			}, Objects::nonNull);
			assertThat(record.key()).isEqualTo("k-7");
			Header contentType = record.headers().lastHeader(Message.CONTENT_TYPE_HEADER);
			assertThat(contentType).isNotNull();
			assertThat(new String(contentType.value(), StandardCharsets.UTF_8)).isEqualTo("application/json");
			// No Java class name travels: Order has no @MessageType.
			assertThat(record.headers().lastHeader(Message.TYPE_HEADER)).isNull();
		}
	}

	@Test
	void recordWithoutValueArrivesAsTombstone() throws Exception {
		Map<String, Object> configs = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
				EmbeddedKafkaCondition.getBroker().getBrokersAsString(), ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
				StringSerializer.class, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		Listeners listeners = listeners();
		listeners.deadLetters.clear();
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(configs)) {
			String topic = destination("shipments") + ".dlq";
			producer.send(new ProducerRecord<>(topic, "deleted-key", null)).get(10, TimeUnit.SECONDS);
		}
		Message tombstone = listeners.deadLetters.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(tombstone).isNotNull();
		assertThat(tombstone.isTombstone()).isTrue();
		assertThat(tombstone.getKey()).isEqualTo("deleted-key");
		assertThat(tombstone.getPayloadLength()).isZero();
	}

	@Override
	protected void assertHeaderValues(MessageContext context) {
		// Kafka headers are bytes: each value travels as its text and converts on reading.
		assertThat(context.getHeaderValue("priority")).isEqualTo("5");
		assertThat(context.getHeaderValue("big")).isEqualTo("5000000000");
		assertThat(context.getHeaderValue("flag")).isEqualTo("true");
		assertThat(context.getHeaderValue("price")).isEqualTo("12.50");
		assertThat(context.getHeaderValue("bytes")).isEqualTo("raw");
		assertThat(context.getHeader("priority", Integer.class)).isEqualTo(5);
		assertThat(context.getHeader("big", Long.class)).isEqualTo(5_000_000_000L);
		assertThat(context.getHeader("flag", Boolean.class)).isTrue();
	}

	@Override
	protected void assertDeadLetterDetails(Message deadLetter) {
		assertThat(deadLetter.getHeader(KafkaChannelBinder.ORIGINAL_PARTITION_HEADER)).isNotBlank();
		assertThat(deadLetter.getHeader(KafkaChannelBinder.ORIGINAL_OFFSET_HEADER)).isNotBlank();
	}

	@Override
	protected void assertOrderingDetails(Listeners listeners) {
		// Several partitions, several consumer threads: the order held per key, not because of one thread.
		assertThat(listeners.sequenceThreads).hasSizeGreaterThan(1);
	}

}
