package dev.switchboard.autoconfigure.channel.kafka;

import java.util.function.BiFunction;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * Spring Kafka's {@link DeadLetterPublishingRecoverer}, keeping only the headers Switchboard documents on what it
 * republishes. The recoverer copies every header of the consumed record, including the container's binary
 * {@code kafka_deliveryAttempt} and, on a record that was already retried, the previous retry headers.
 * <ul>
 * <li>To a dead-letter topic: no {@code kafka_*} header and no {@code switchboard-retry-*} header; only text
 * headers.</li>
 * <li>To a retry topic: no {@code kafka_deliveryAttempt} (the attempt is in {@code switchboard-retry-attempt}),
 * only the latest value of each {@code switchboard-retry-*} header; request-reply headers are kept so a retried
 * request is still answered.</li>
 * </ul>
 *
 * @author Switchboard
 */
final class KafkaRepublisher extends DeadLetterPublishingRecoverer {

	private final boolean deadLetter;

	private KafkaRepublisher(KafkaOperations<String, byte[]> template,
			BiFunction<ConsumerRecord<?, ?>, Exception, TopicPartition> destination, boolean deadLetter) {
		super(template, destination);
		this.deadLetter = deadLetter;
		// Switchboard's own headers describe the failure; Spring Kafka's (binary among them) would double the size.
		excludeHeader(HeaderNames.HeadersToAdd.values());
	}

	static KafkaRepublisher toDeadLetter(KafkaOperations<String, byte[]> template, String topic) {
		// A negative partition lets the producer choose by key, so the topic keeps per-key order.
		return new KafkaRepublisher(template, (record, failure) -> new TopicPartition(topic, -1), true);
	}

	static KafkaRepublisher toRetry(KafkaOperations<String, byte[]> template, String topic) {
		return new KafkaRepublisher(template, (record, failure) -> new TopicPartition(topic, -1), false);
	}

	@Override
	protected ProducerRecord<Object, Object> createProducerRecord(ConsumerRecord<?, ?> record,
			TopicPartition topicPartition, Headers headers, byte @Nullable [] key, byte @Nullable [] value) {
		RecordHeaders kept = new RecordHeaders();
		for (Header header : headers) {
			if (keep(header, headers)) {
				kept.add(header);
			}
		}
		return super.createProducerRecord(record, topicPartition, kept, key, value);
	}

	private boolean keep(Header header, Headers all) {
		String name = header.key();
		if (name.startsWith(KafkaRetryTopics.HEADER_PREFIX)) {
			return !this.deadLetter && header == all.lastHeader(name);
		}
		if (name.startsWith(KafkaHeaders.PREFIX)) {
			return !this.deadLetter && !name.equals(KafkaHeaders.DELIVERY_ATTEMPT);
		}
		return true;
	}

}
