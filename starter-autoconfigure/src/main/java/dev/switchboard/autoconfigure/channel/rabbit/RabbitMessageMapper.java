package dev.switchboard.autoconfigure.channel.rabbit;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import dev.switchboard.core.channel.Message;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

/**
 * Maps Switchboard messages to AMQP messages and back: the id is the AMQP {@code message-id}, the
 * {@link Message#CONTENT_TYPE_HEADER content type} the AMQP {@code content_type}, the key the routing key (when it
 * fits) and the {@value #KEY_HEADER} header, other headers are AMQP headers. A message another client published
 * without the key header has its routing key as its key.
 * <p>
 * Header values keep their types: each Switchboard header type is an AMQP field table type, which Spring AMQP's
 * {@code DefaultMessagePropertiesConverter} passes through unchanged, except a {@code BigDecimal} that AMQP's
 * decimal (scale 0 to 255, unscaled value an {@code int}) cannot hold, sent as its text. Read back, AMQP long
 * strings (the converter hands over those longer than 1024 bytes as they are) are strings, timestamps ISO-8601
 * text, nested tables and arrays their {@code toString()} text, as they were before headers had types.
 *
 * @author Switchboard
 */
final class RabbitMessageMapper {

	/** Header carrying the message key, which also is the routing key when it fits (255 bytes). */
	static final String KEY_HEADER = "switchboard-key";

	// Counts attempts on the delivered message object, which the retry interceptor hands back on each attempt.
	static final String ATTEMPT_PROPERTY = "switchboard-delivery-attempt";

	private static final int MAX_ROUTING_KEY_BYTES = 255;

	// An AMQP decimal's scale is one unsigned octet.
	private static final int MAX_DECIMAL_SCALE = 255;

	private RabbitMessageMapper() {
	}

	static String routingKey(@Nullable String key) {
		if (key == null) {
			return "";
		}
		// A UTF-16 char is at most 3 UTF-8 bytes: most keys fit without being encoded on every publish.
		if (key.length() * 3 > MAX_ROUTING_KEY_BYTES
				&& key.getBytes(StandardCharsets.UTF_8).length > MAX_ROUTING_KEY_BYTES) {
			return "";
		}
		return key;
	}

	static org.springframework.amqp.core.Message toAmqp(Message message) {
		MessageProperties properties = new MessageProperties();
		properties.setMessageId(message.getId());
		properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
		properties.setContentType(contentType(message));
		properties.getHeaders().putAll(headers(message));
		return new org.springframework.amqp.core.Message(message.getPayload(), properties);
	}

	/**
	 * The AMQP properties of a message, as Spring AMQP's {@code DefaultMessagePropertiesConverter} makes them from
	 * {@link #toAmqp}'s message properties (priority 0 included, its default), without the intermediate
	 * {@link MessageProperties}: the publish path's shortcut when no post processor needs a Spring AMQP message.
	 * Every Switchboard header type is one the converter passes through unchanged.
	 * @param message the message
	 * @return its properties
	 */
	static AMQP.BasicProperties toProperties(Message message) {
		Map<String, @Nullable Object> headers = headers(message);
		return new AMQP.BasicProperties.Builder().headers(headers.isEmpty() ? Collections.emptyMap() : headers)
			.messageId(message.getId())
			.deliveryMode(MessageDeliveryMode.toInt(MessageDeliveryMode.PERSISTENT))
			.priority(MessageProperties.DEFAULT_PRIORITY)
			.contentType(contentType(message))
			.build();
	}

	/** The AMQP headers of a message: its headers but the content type, which is a property, and its key. */
	private static Map<String, @Nullable Object> headers(Message message) {
		Map<String, Object> values = message.getHeaderValues();
		Map<String, @Nullable Object> headers = new HashMap<>(values.size() + 2);
		values.forEach((name, value) -> {
			if (!name.equals(Message.CONTENT_TYPE_HEADER)) {
				headers.put(name, amqpValue(value));
			}
		});
		if (message.getKey() != null) {
			headers.put(KEY_HEADER, message.getKey());
		}
		return headers;
	}

	private static String contentType(Message message) {
		String contentType = message.getHeader(Message.CONTENT_TYPE_HEADER);
		return (contentType != null) ? contentType : MessageProperties.CONTENT_TYPE_BYTES;
	}

	static Message toMessage(org.springframework.amqp.core.Message amqp) {
		MessageProperties properties = amqp.getMessageProperties();
		Message.Builder builder = Message.builder(amqp.getBody());
		String id = properties.getMessageId();
		if (id == null || id.isBlank()) {
			// A message from another publisher may have no id: give the delivered object one, so that its
			// retries, its log lines and its dead letter agree on it.
			id = UUID.randomUUID().toString();
			properties.setMessageId(id);
		}
		builder.id(id);
		String routingKey = properties.getReceivedRoutingKey();
		String exchange = properties.getReceivedExchange();
		// Through the default exchange (a reply), the routing key is a queue's name, not a key.
		if (routingKey != null && !routingKey.isEmpty() && exchange != null && !exchange.isEmpty()) {
			// The key of a message from another client; Switchboard's own key header, below, wins.
			builder.key(routingKey);
		}
		String contentType = properties.getContentType();
		if (contentType != null && !contentType.equals(MessageProperties.CONTENT_TYPE_BYTES)) {
			builder.header(Message.CONTENT_TYPE_HEADER, contentType);
		}
		for (Map.Entry<String, @Nullable Object> header : properties.getHeaders().entrySet()) {
			String name = header.getKey();
			Object value = header.getValue();
			if (value == null || name.startsWith("x-") || name.startsWith("spring_") || name.equals(ATTEMPT_PROPERTY)) {
				continue;
			}
			if (name.equals(KEY_HEADER)) {
				builder.key(value.toString());
			}
			else {
				builder.header(name, headerValue(value));
			}
		}
		return builder.build();
	}

	private static Object amqpValue(Object value) {
		if (value instanceof BigDecimal decimal && (decimal.scale() < 0 || decimal.scale() > MAX_DECIMAL_SCALE
				|| decimal.unscaledValue().bitLength() >= Integer.SIZE)) {
			// amqp-client would fail the whole publish on a decimal AMQP cannot hold: its text still converts.
			return decimal.toPlainString();
		}
		return value;
	}

	private static Object headerValue(Object value) {
		if (value instanceof LongString longString) {
			return longString.toString();
		}
		if (value instanceof Date date) {
			return date.toInstant().toString();
		}
		return Message.isHeaderType(value.getClass()) ? value : value.toString();
	}

	static int deliveryAttempt(org.springframework.amqp.core.Message amqp) {
		Object attempts = amqp.getMessageProperties().getHeaders().get(ATTEMPT_PROPERTY);
		return (attempts instanceof Integer count) ? count : 1;
	}

	/** Counts a delivery attempt on the delivered message object and returns it. */
	static int nextDeliveryAttempt(org.springframework.amqp.core.Message amqp) {
		Map<String, @Nullable Object> headers = amqp.getMessageProperties().getHeaders();
		int attempt = (headers.get(ATTEMPT_PROPERTY) instanceof Integer count) ? count + 1 : 1;
		headers.put(ATTEMPT_PROPERTY, attempt);
		return attempt;
	}

}
