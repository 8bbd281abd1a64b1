package dev.switchboard.autoconfigure.channel;

import java.lang.reflect.Type;
import java.util.Map;

import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.UnreadableMessageException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns payloads into JSON messages and back, with the application's Jackson {@link JsonMapper} so that
 * messages follow the same conventions as the application's HTTP bodies.
 *
 * @author Switchboard
 */
public class ChannelMessageConverter {

	private static final String JSON = "application/json";


	private final JsonMapper jsonMapper;

	/**
	 * Creates a converter.
	 * @param jsonMapper the mapper
	 */
	public ChannelMessageConverter(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Writes a payload as a JSON message ({@link Message#CONTENT_TYPE_HEADER} {@code application/json}), with its
	 * class as {@link Message#TYPE_HEADER}.
	 * @param payload the payload
	 * @param key the key, or {@code null}
	 * @param headers additional headers
	 * @return the message
	 */
	public Message toMessage(Object payload, @Nullable String key, Map<String, String> headers) {
		byte[] json = this.jsonMapper.writeValueAsBytes(payload);
		return Message.builder(json)
			.key(key)
			.headers(headers)
			.header(Message.CONTENT_TYPE_HEADER, JSON)
			.type(payload.getClass().getName())
			.build();
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
			return this.jsonMapper.readValue(message.getPayload(), javaType);
		}
		catch (JacksonException ex) {
			throw new UnreadableMessageException("Cannot read the payload of message " + message.getId() + " (type "
					+ message.getType() + ") as " + javaType.toCanonical() + ": " + ex.getOriginalMessage(), ex);
		}
	}

}
