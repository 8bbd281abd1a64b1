package dev.switchboard.test;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.switchboard.autoconfigure.channel.ChannelMessageConverter;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.Message;
import org.jspecify.annotations.Nullable;

/**
 * A message the application published on a channel, as {@link TestChannels} recorded it.
 *
 * @author Switchboard
 */
public final class PublishedMessage {

	private final ChannelDestination destination;

	private final Message message;

	private final ChannelMessageConverter converter;

	PublishedMessage(ChannelDestination destination, Message message, ChannelMessageConverter converter) {
		this.destination = destination;
		this.message = message;
		this.converter = converter;
	}

	/**
	 * The channel it was published on.
	 * @return the channel name
	 */
	public String channel() {
		return this.destination.channel();
	}

	/**
	 * The destination (topic, exchange) it was published to.
	 * @return the destination name
	 */
	public String destination() {
		return this.destination.name();
	}

	/**
	 * The message id.
	 * @return the id
	 */
	public String id() {
		return this.message.getId();
	}

	/**
	 * The message key.
	 * @return the key, or {@code null} when the publisher gave none
	 */
	public @Nullable String key() {
		return this.message.getKey();
	}

	/**
	 * The headers in their text form, including {@link Message#CONTENT_TYPE_HEADER}.
	 * @return an unmodifiable map
	 * @see Message#getHeaders()
	 */
	public Map<String, String> headers() {
		return this.message.getHeaders();
	}

	/**
	 * One header in its text form.
	 * @param name the header name
	 * @return the value, or {@code null} when absent
	 */
	public @Nullable String header(String name) {
		return this.message.getHeader(name);
	}

	/**
	 * The headers with the types they were published with.
	 * @return an unmodifiable map
	 * @see Message#getHeaderValues()
	 */
	public Map<String, Object> headerValues() {
		return this.message.getHeaderValues();
	}

	/**
	 * One header with the type it was published with.
	 * @param name the header name
	 * @return the value, or {@code null} when absent
	 * @see Message#getHeaderValue(String)
	 */
	public @Nullable Object headerValue(String name) {
		return this.message.getHeaderValue(name);
	}

	/**
	 * The payload read as JSON of the given type, as a listener would read it.
	 * @param <T> the payload type
	 * @param type the payload type
	 * @return the payload
	 */
	@SuppressWarnings("unchecked")
	public <T> T payload(Class<T> type) {
		return (T) payload((Type) type);
	}

	/**
	 * The payload read as JSON of the given generic type.
	 * @param type the payload type
	 * @return the payload, {@code null} only for a JSON {@code null}
	 */
	public @Nullable Object payload(Type type) {
		return this.converter.fromMessage(this.message, type);
	}

	/**
	 * The payload as UTF-8 text (the JSON document).
	 * @return the payload text
	 */
	public String payloadAsString() {
		return new String(this.message.getPayload(), StandardCharsets.UTF_8);
	}

	/**
	 * The message as the binder received it.
	 * @return the message
	 */
	public Message message() {
		return this.message;
	}

	@Override
	public String toString() {
		return "PublishedMessage[channel=" + channel() + ", key=" + key() + ", headers=" + headers() + ", payload="
				+ payloadAsString() + "]";
	}

}
