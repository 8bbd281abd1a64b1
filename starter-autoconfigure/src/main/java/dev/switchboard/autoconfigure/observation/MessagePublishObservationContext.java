package dev.switchboard.autoconfigure.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

import dev.switchboard.core.channel.Message;

/**
 * Context of a published message. The carrier is the message being built, so that tracing handlers write the
 * trace context into its headers before it is sent.
 *
 * @author Switchboard
 */
public class MessagePublishObservationContext extends SenderContext<Message.Builder>
		implements MessageObservationContext {

	private final String channel;

	private final String binder;

	private final String destination;

	private @Nullable String messageId;

	private @Nullable String outcome;

	/**
	 * Creates a context.
	 * @param message the message being built, which receives the propagated headers
	 * @param channel the channel name
	 * @param binder the binder name
	 * @param destination the destination name
	 */
	public MessagePublishObservationContext(Message.Builder message, String channel, String binder,
			String destination) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.header(key, value);
			}
		}, Kind.PRODUCER);
		setCarrier(message);
		setRemoteServiceName(binder);
		this.channel = channel;
		this.binder = binder;
		this.destination = destination;
	}

	@Override
	public String getChannel() {
		return this.channel;
	}

	@Override
	public String getBinder() {
		return this.binder;
	}

	@Override
	public String getDestination() {
		return this.destination;
	}

	@Override
	public @Nullable String getMessageId() {
		return this.messageId;
	}

	/**
	 * Sets the id of the message once built.
	 * @param messageId the id
	 */
	public void setMessageId(@Nullable String messageId) {
		this.messageId = messageId;
	}

	@Override
	public @Nullable String getOutcome() {
		return this.outcome;
	}

	/**
	 * Sets the outcome.
	 * @param outcome {@code SUCCESS} or {@code FAILURE}
	 */
	public void setOutcome(@Nullable String outcome) {
		this.outcome = outcome;
	}

}
