package dev.switchboard.core.channel;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a consumer knows about the delivery of one message besides its payload: where it came from, its key,
 * id and headers, and which attempt this is.
 *
 * @author Switchboard
 */
public final class MessageContext {

	private final ChannelDestination destination;

	private final String group;

	private final Message message;

	private final int deliveryAttempt;

	/**
	 * Creates a context; binders create one per delivery attempt.
	 * @param destination the destination the message came from
	 * @param group the consumer group it was delivered to
	 * @param message the message
	 * @param deliveryAttempt the attempt, starting at 1
	 */
	public MessageContext(ChannelDestination destination, String group, Message message, int deliveryAttempt) {
		if (deliveryAttempt < 1) {
			throw new IllegalArgumentException("deliveryAttempt must be at least 1 but was " + deliveryAttempt);
		}
		this.destination = destination;
		this.group = group;
		this.message = message;
		this.deliveryAttempt = deliveryAttempt;
	}

	/**
	 * The channel name.
	 * @return the channel
	 */
	public String getChannel() {
		return this.destination.channel();
	}

	/**
	 * The destination the message came from.
	 * @return the destination
	 */
	public ChannelDestination getDestination() {
		return this.destination;
	}

	/**
	 * The consumer group the message was delivered to.
	 * @return the group
	 */
	public String getGroup() {
		return this.group;
	}

	/**
	 * The message id.
	 * @return the id
	 */
	public String getMessageId() {
		return this.message.getId();
	}

	/**
	 * The message key.
	 * @return the key or {@code null}
	 */
	public @Nullable String getKey() {
		return this.message.getKey();
	}

	/**
	 * The message headers in their text form.
	 * @return an unmodifiable map
	 * @see Message#getHeaders()
	 */
	public Map<String, String> getHeaders() {
		return this.message.getHeaders();
	}

	/**
	 * The message headers, typed as the binder could carry them.
	 * @return an unmodifiable map
	 * @see Message#getHeaderValues()
	 */
	public Map<String, Object> getHeaderValues() {
		return this.message.getHeaderValues();
	}

	/**
	 * One header in its text form.
	 * @param name the header name
	 * @return the value or {@code null}
	 * @see Message#getHeader(String)
	 */
	public @Nullable String getHeader(String name) {
		return this.message.getHeader(name);
	}

	/**
	 * One header's value, typed as the binder could carry it.
	 * @param name the header name
	 * @return the value or {@code null}
	 * @see Message#getHeaderValue(String)
	 */
	public @Nullable Object getHeaderValue(String name) {
		return this.message.getHeaderValue(name);
	}

	/**
	 * One header converted to a type.
	 * @param name the header name
	 * @param type a header value type, its primitive, or {@code Object}
	 * @param <T> the type
	 * @return the converted value, or {@code null} when absent
	 * @throws IllegalArgumentException when the value cannot be converted without loss
	 * @see Message#getHeader(String, Class)
	 */
	public <T> @Nullable T getHeader(String name, Class<T> type) {
		return this.message.getHeader(name, type);
	}

	/**
	 * Which delivery of this message to this group this is, starting at 1 and growing with each retry.
	 * @return the attempt
	 */
	public int getDeliveryAttempt() {
		return this.deliveryAttempt;
	}

	/**
	 * The message itself.
	 * @return the message
	 */
	public Message getMessage() {
		return this.message;
	}

	@Override
	public String toString() {
		return "MessageContext[destination=" + this.destination + ", group=" + this.group + ", id="
				+ this.message.getId() + ", key=" + this.message.getKey() + ", attempt=" + this.deliveryAttempt + "]";
	}

}
