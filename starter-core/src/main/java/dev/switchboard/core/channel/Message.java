package dev.switchboard.core.channel;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One message as binders carry it: an id, an optional key, headers and an opaque payload. Immutable: the
 * payload is copied in and out (binders read it in place through {@link #payloadForTransport()}), the headers are
 * an unmodifiable copy.
 * <p>
 * A header value is a {@code String}, {@code Boolean}, {@code Integer}, {@code Long}, {@code Short},
 * {@code Byte}, {@code Double}, {@code Float}, {@code BigDecimal} or {@code byte[]}. Dates and instants are
 * not header values: send them as ISO-8601 text or epoch milliseconds, which every broker carries alike. A
 * binder carries the type where its broker can (RabbitMQ's typed header tables, the in-memory binder, the
 * outbox table) and the {@linkplain #getHeaders() text form} where it cannot (Kafka's byte headers), so a
 * consumer that wants a type asks for it with {@link #getHeader(String, Class)}, which parses text.
 * <p>
 * The id travels with the message (a header for Kafka, the message-id property for RabbitMQ) so that consumers
 * can drop duplicates; the key orders messages (Kafka record key, RabbitMQ consistent-hash routing).
 *
 * @author Switchboard
 */
public final class Message {

	/**
	 * Header carrying {@link #getId()} on brokers without a message-id property of their own (Kafka); binders
	 * set it on send and read it back on delivery.
	 */
	public static final String ID_HEADER = "switchboard-id";

	/**
	 * Header naming the payload's logical type, for consumers and tools that need more than the bytes. Channel
	 * publishers write it only for payload classes annotated with
	 * {@link dev.switchboard.core.annotation.MessageType @MessageType}: a Java class name on the wire would tie
	 * every consumer to the publisher's code.
	 */
	public static final String TYPE_HEADER = "switchboard-type";

	/** Header relating a reply to its request. */
	public static final String CORRELATION_ID_HEADER = "switchboard-correlation-id";

	/**
	 * Header with the payload's media type, {@code application/json} for what channel publishers write; RabbitMQ
	 * carries it in its own {@code content_type} property, Kafka as a text header, as Spring's messaging does.
	 */
	public static final String CONTENT_TYPE_HEADER = "contentType";

	/** Header telling a consumer where a reply goes; its value is meaningful only to the binder that set it. */
	public static final String REPLY_TO_HEADER = "switchboard-reply-to";

	private final String id;

	private final @Nullable String key;

	private final Map<String, Object> headers;

	private final Map<String, String> textHeaders;

	private final byte[] payload;

	private final boolean tombstone;

	private Message(Builder builder) {
		this.id = (builder.id != null) ? builder.id : UUID.randomUUID().toString();
		this.key = builder.key;
		this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(builder.headers));
		this.textHeaders = textOf(this.headers);
		this.payload = builder.payload.clone();
		this.tombstone = builder.tombstone;
	}

	/**
	 * Starts a message with the given payload.
	 * @param payload the payload bytes, copied
	 * @return a builder
	 */
	public static Builder builder(byte[] payload) {
		return new Builder(payload);
	}

	/**
	 * Starts a message with a UTF-8 text payload.
	 * @param payload the payload text
	 * @return a builder
	 */
	public static Builder builder(String payload) {
		return new Builder(payload.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Starts a builder holding everything this message holds, to derive a changed copy.
	 * @return a builder
	 */
	public Builder mutate() {
		Builder builder = new Builder(this.payload);
		builder.id = this.id;
		builder.key = this.key;
		builder.headers.putAll(this.headers);
		builder.tombstone = this.tombstone;
		return builder;
	}

	/**
	 * The message id, unique per published message and kept across redeliveries and dead-lettering.
	 * @return the id
	 */
	public String getId() {
		return this.id;
	}

	/**
	 * The key that orders messages, if any.
	 * @return the key or {@code null}
	 */
	public @Nullable String getKey() {
		return this.key;
	}

	/**
	 * The headers in their text form, including {@link #CONTENT_TYPE_HEADER} and, when present,
	 * {@link #TYPE_HEADER}: strings as they are, booleans and numbers as {@code toString()} ({@code BigDecimal}
	 * in plain notation), bytes decoded as UTF-8. {@link #getHeaderValues()} has the typed values.
	 * @return an unmodifiable map in insertion order
	 */
	public Map<String, String> getHeaders() {
		return this.textHeaders;
	}

	/**
	 * The headers with their values as typed as the binder could carry them (see the class description).
	 * {@code byte[]} values are the message's own: do not modify them.
	 * @return an unmodifiable map in insertion order
	 */
	public Map<String, Object> getHeaderValues() {
		return this.headers;
	}

	/**
	 * One header in its {@linkplain #getHeaders() text form}.
	 * @param name the header name
	 * @return its text, or {@code null} when absent
	 */
	public @Nullable String getHeader(String name) {
		return this.textHeaders.get(name);
	}

	/**
	 * One header's value as typed as the binder could carry it.
	 * @param name the header name
	 * @return its value ({@code byte[]} copied), or {@code null} when absent
	 */
	public @Nullable Object getHeaderValue(String name) {
		Object value = this.headers.get(name);
		return (value instanceof byte[] bytes) ? bytes.clone() : value;
	}

	/**
	 * One header converted to a type: {@code Object} or the value's own type as it is, {@code String} as its
	 * {@linkplain #getHeaders() text form}; numbers widen as Java widens them and narrow only when the value
	 * fits exactly; text is parsed into numbers, booleans ({@code true} or {@code false}, ignoring case) and
	 * UTF-8 bytes. A header that crossed a broker as text (Kafka) therefore reads as the type it was sent with.
	 * @param name the header name
	 * @param type a header value type, its primitive, or {@code Object}
	 * @param <T> the type
	 * @return the converted value, or {@code null} when absent
	 * @throws IllegalArgumentException when the value cannot be converted without loss or the type is no header
	 * value type, naming the header, its value and the type
	 */
	public <T> @Nullable T getHeader(String name, Class<T> type) {
		Object value = this.headers.get(name);
		return (value != null) ? HeaderValues.convert(name, value, type) : null;
	}

	/**
	 * The payload's type, from {@link #TYPE_HEADER}.
	 * @return the type or {@code null}
	 */
	public @Nullable String getType() {
		return this.textHeaders.get(TYPE_HEADER);
	}

	/**
	 * A copy of the payload.
	 * @return the payload bytes
	 */
	public byte[] getPayload() {
		return this.payload.clone();
	}

	/**
	 * The payload's own bytes, not a copy, for a binder that hands them to a client that only reads them (the
	 * RabbitMQ client's {@code basicPublish}, Kafka's byte-array serializer, a JSON reader): a copy per message of
	 * what is only read costs as much as the rest of a publish's own allocations. The array must not be modified;
	 * applications read {@link #getPayload()}.
	 * @return the payload bytes, shared
	 */
	public byte[] payloadForTransport() {
		return this.payload;
	}

	/**
	 * The payload's length, without copying it.
	 * @return the number of payload bytes
	 */
	public int getPayloadLength() {
		return this.payload.length;
	}

	/**
	 * Whether this message has no payload at all, as opposed to an empty one: a Kafka record with a {@code null}
	 * value, which on a compacted topic deletes its key. Its payload reads as no bytes.
	 * @return {@code true} for a tombstone
	 */
	public boolean isTombstone() {
		return this.tombstone;
	}

	/**
	 * Whether values of a type can be headers: the header value types and their primitives.
	 * @param type the type
	 * @return {@code true} when it is one of them
	 */
	public static boolean isHeaderType(Class<?> type) {
		return HeaderValues.isSupported(type);
	}

	private static Map<String, String> textOf(Map<String, Object> headers) {
		Map<String, String> text = new LinkedHashMap<>();
		headers.forEach((name, value) -> text.put(name, HeaderValues.text(value)));
		return Collections.unmodifiableMap(text);
	}

	@Override
	public String toString() {
		return "Message[id=" + this.id + ", key=" + this.key + ", headers=" + this.headers + ", payload="
				+ (this.tombstone ? "none (tombstone)" : this.payload.length + " bytes") + "]";
	}

	/**
	 * Builds a {@link Message}.
	 */
	public static final class Builder {

		private byte[] payload;

		private @Nullable String id;

		private @Nullable String key;

		private final Map<String, Object> headers = new LinkedHashMap<>();

		private boolean tombstone;

		private Builder(byte[] payload) {
			this.payload = Objects.requireNonNull(payload, "payload");
		}

		/**
		 * Sets the id; a random UUID is used when none is set.
		 * @param id the id
		 * @return this builder
		 */
		public Builder id(String id) {
			if (id.isBlank()) {
				throw new IllegalArgumentException("id must not be blank but was '" + id + "'");
			}
			this.id = id;
			return this;
		}

		/**
		 * Sets the key.
		 * @param key the key, or {@code null} for none
		 * @return this builder
		 */
		public Builder key(@Nullable String key) {
			this.key = key;
			return this;
		}

		/**
		 * Sets one header, replacing an earlier value.
		 * @param name the header name
		 * @param value the value: a {@code String}, {@code Boolean}, {@code Integer}, {@code Long},
		 * {@code Short}, {@code Byte}, {@code Double}, {@code Float}, {@code BigDecimal} or {@code byte[]}
		 * (copied)
		 * @return this builder
		 * @throws IllegalArgumentException when the value is {@code null} or of another type
		 */
		public Builder header(String name, Object value) {
			if (name.isEmpty()) {
				throw new IllegalArgumentException("header name must not be empty");
			}
			this.headers.put(name, HeaderValues.checked(name, value));
			return this;
		}

		/**
		 * Sets several headers, replacing earlier values.
		 * @param headers the headers, each value of a type {@link #header(String, Object)} takes
		 * @return this builder
		 */
		public Builder headers(Map<String, ?> headers) {
			headers.forEach(this::header);
			return this;
		}

		/**
		 * Removes a header.
		 * @param name the header name
		 * @return this builder
		 */
		public Builder removeHeader(String name) {
			this.headers.remove(name);
			return this;
		}

		/**
		 * Sets {@link Message#TYPE_HEADER}.
		 * @param type the payload type
		 * @return this builder
		 */
		public Builder type(String type) {
			return header(TYPE_HEADER, type);
		}

		/**
		 * Replaces the payload.
		 * @param payload the payload bytes, copied on {@link #build()}
		 * @return this builder
		 */
		public Builder payload(byte[] payload) {
			this.payload = Objects.requireNonNull(payload, "payload");
			this.tombstone = false;
			return this;
		}

		/**
		 * Makes the message a {@linkplain Message#isTombstone() tombstone}: no payload at all.
		 * @return this builder
		 */
		public Builder tombstone() {
			this.payload = new byte[0];
			this.tombstone = true;
			return this;
		}

		/**
		 * Builds the message.
		 * @return an immutable message
		 */
		public Message build() {
			return new Message(this);
		}

	}

}
