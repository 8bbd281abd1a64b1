package dev.switchboard.autoconfigure.channel;

import java.lang.reflect.Type;
import java.util.Map;
import java.util.Optional;

import dev.switchboard.core.annotation.MessageType;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.UnreadableMessageException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Turns payloads into JSON messages and back, with the application's Jackson {@link JsonMapper} so that
 * messages follow the same conventions as the application's HTTP bodies.
 *
 * @author Switchboard
 */
public class ChannelMessageConverter {

	private static final String JSON = "application/json";

	// Looked up once per class: publishing is a hot path.
	private static final ClassValue<Optional<String>> LOGICAL_TYPES = new ClassValue<>() {
		@Override
		protected Optional<String> computeValue(Class<?> type) {
			MessageType annotation = AnnotatedElementUtils.findMergedAnnotation(type, MessageType.class);
			if (annotation != null && annotation.value().isBlank()) {
				throw new IllegalStateException("@MessageType on " + type.getName() + " names no type");
			}
			return Optional.ofNullable(annotation).map(MessageType::value);
		}
	};

	private final JsonMapper jsonMapper;

	/**
	 * Creates a converter.
	 * @param jsonMapper the mapper
	 */
	public ChannelMessageConverter(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Writes a payload as a JSON message ({@link Message#CONTENT_TYPE_HEADER} {@code application/json}), with
	 * its logical type as {@link Message#TYPE_HEADER} when its class is annotated with {@link MessageType}.
	 * @param payload the payload
	 * @param key the key, or {@code null}
	 * @param headers additional headers, each value of a type {@link Message.Builder#header(String, Object)}
	 * takes
	 * @return the message
	 */
	public Message toMessage(Object payload, @Nullable String key, Map<String, ?> headers) {
		byte[] json = this.jsonMapper.writeValueAsBytes(payload);
		Message.Builder message = Message.builder(json)
			.key(key)
			.headers(headers)
			.header(Message.CONTENT_TYPE_HEADER, JSON);
		LOGICAL_TYPES.get(payload.getClass()).ifPresent(message::type);
		return message.build();
	}

	/**
	 * Reads a message's JSON payload.
	 * @param message the message
	 * @param type the type to read
	 * @return the payload, {@code null} only for a JSON {@code null}
	 * @throws UnreadableMessageException when the payload is not JSON of that type
	 */
	public @Nullable Object fromMessage(Message message, Type type) {
		JavaType javaType = this.jsonMapper.constructType(type);
		try {
			return this.jsonMapper.readValue(message.payloadForTransport(), javaType);
		}
		catch (JacksonException ex) {
			String logicalType = (message.getType() != null) ? " (type " + message.getType() + ")" : "";
			throw new UnreadableMessageException("Cannot read the payload of message " + message.getId() + logicalType
					+ " as " + javaType.toCanonical() + ": " + ex.getOriginalMessage(), ex);
		}
	}

}
