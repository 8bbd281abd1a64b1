package dev.switchboard.autoconfigure.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import org.jspecify.annotations.Nullable;

import dev.switchboard.core.channel.Message;

/**
 * Context of a consumed message. The carrier is the received message, so that tracing handlers continue the
 * trace its headers carry.
 *
 * @author Switchboard
 */
public class MessageConsumeObservationContext extends ReceiverContext<Message> implements MessageObservationContext {

	private final String channel;

	private final String binder;

	private final String destination;

	private final String group;

	private final int deliveryAttempt;

	private @Nullable String outcome;

	/**
	 * Creates a context.
	 * @param message the received message
	 * @param channel the channel name
	 * @param binder the binder name
	 * @param destination the destination name
	 * @param group the consumer group
	 * @param deliveryAttempt the delivery attempt, starting at 1
	 */
	public MessageConsumeObservationContext(Message message, String channel, String binder, String destination,
			String group, int deliveryAttempt) {
		super((carrier, key) -> (carrier != null) ? carrier.getHeader(key) : null, Kind.CONSUMER);
		setCarrier(message);
		setRemoteServiceName(binder);
		this.channel = channel;
		this.binder = binder;
		this.destination = destination;
		this.group = group;
		this.deliveryAttempt = deliveryAttempt;
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

	/**
	 * The consumer group.
	 * @return the group
	 */
	public String getGroup() {
		return this.group;
	}

	/**
	 * The delivery attempt.
	 * @return the attempt, starting at 1
	 */
	public int getDeliveryAttempt() {
		return this.deliveryAttempt;
	}

	@Override
	public @Nullable String getMessageId() {
		Message message = getCarrier();
		return (message != null) ? message.getId() : null;
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
