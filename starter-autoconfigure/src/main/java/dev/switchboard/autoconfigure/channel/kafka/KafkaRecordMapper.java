package dev.switchboard.autoconfigure.channel.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import dev.switchboard.core.channel.Message;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.support.KafkaHeaders;

/**
 * Maps Switchboard messages to Kafka records and back: the key is the record key, the id and other headers are
 * UTF-8 record headers.
 * <p>
 * Kafka headers are bytes, so header types do not travel: each value is sent as its
 * {@linkplain Message#getHeaders() text form} ({@code byte[]} as it is) and read back as a string, which
 * {@link Message#getHeader(String, Class)} parses into the type a consumer asks for. No type headers are added:
 * Spring Kafka's JSON type header would tie every consumer to Java class names.
 *
 * @author Switchboard
 */
final class KafkaRecordMapper {

	private KafkaRecordMapper() {
	}

	static ProducerRecord<String, byte[]> toRecord(String topic, @Nullable Integer partition, Message message) {
		RecordHeaders headers = new RecordHeaders();
		message.getHeaderValues().forEach((name, value) -> headers.add(name,
				(value instanceof byte[] bytes) ? bytes : utf8(message.getHeaders().get(name))));
		headers.add(Message.ID_HEADER, utf8(message.getId()));
		// A tombstone is a record without a value (null), which deletes its key on a compacted topic.
		byte[] value = message.isTombstone() ? null : message.payloadForTransport();
		return new ProducerRecord<>(topic, partition, message.getKey(), value, headers);
	}

	static Message toMessage(ConsumerRecord<String, byte[]> record) {
		byte[] payload = record.value();
		Message.Builder builder = Message.builder((payload != null) ? payload : new byte[0]).key(record.key());
		if (payload == null) {
			builder.tombstone();
		}
		String id = null;
		for (Header header : record.headers()) {
			String name = header.key();
			if (name.equals(Message.ID_HEADER)) {
				id = string(header);
			}
			else if (!name.startsWith(KafkaHeaders.PREFIX) && !name.startsWith(KafkaRetryTopics.HEADER_PREFIX)
					&& header.value() != null) {
				builder.header(name, string(header));
			}
		}
		// A record from another producer has no id: its position identifies it across redeliveries.
		builder.id((id != null && !id.isBlank()) ? id
				: record.topic() + "-" + record.partition() + "@" + record.offset());
		return builder.build();
	}

	static int deliveryAttempt(ConsumerRecord<?, ?> record) {
		// On a retry topic the attempt travels with the record; the container's own count restarts there.
		Header retryAttempt = record.headers().lastHeader(KafkaRetryTopics.ATTEMPT_HEADER);
		if (retryAttempt != null && retryAttempt.value() != null) {
			try {
				return Math.max(1, Integer.parseInt(string(retryAttempt)));
			}
			catch (NumberFormatException ex) {
				// Not written by Switchboard: fall back to the container's count.
			}
		}
		Header header = record.headers().lastHeader(KafkaHeaders.DELIVERY_ATTEMPT);
		return (header != null && header.value().length == Integer.BYTES)
				? Math.max(1, ByteBuffer.wrap(header.value()).getInt()) : 1;
	}

	static byte[] utf8(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	static String string(Header header) {
		return new String(header.value(), StandardCharsets.UTF_8);
	}

}
