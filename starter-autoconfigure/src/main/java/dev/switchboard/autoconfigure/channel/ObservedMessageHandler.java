package dev.switchboard.autoconfigure.channel;

import dev.switchboard.autoconfigure.observation.MessageConsumeObservationContext;
import dev.switchboard.autoconfigure.observation.SwitchboardObservations;
import dev.switchboard.autoconfigure.propagation.PropagatedHeaders;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.MessageHandler;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * Runs a listener's handler inside a {@code switchboard.channel.consume} observation continuing the trace the
 * message carries, with the message's propagated headers as the current ones (so calls the listener makes
 * pass them on). Binder-neutral: it only reads {@link Message} headers.
 *
 * @author Switchboard
 */
final class ObservedMessageHandler implements MessageHandler {

	private final MessageHandler delegate;

	private final ChannelSettings settings;

	private final String binder;

	private final SwitchboardObservations observations;

	private final PropagatedHeaders propagatedHeaders;

	ObservedMessageHandler(MessageHandler delegate, ChannelSettings settings, String binder,
			SwitchboardObservations observations, PropagatedHeaders propagatedHeaders) {
		this.delegate = delegate;
		this.settings = settings;
		this.binder = binder;
		this.observations = observations;
		this.propagatedHeaders = propagatedHeaders;
	}

	@Override
	public @Nullable Message handle(Message message, MessageContext context) throws Exception {
		if (!this.observations.isEnabled()) {
			return this.propagatedHeaders.callWith(message.getHeaders(), () -> this.delegate.handle(message, context));
		}
		MessageConsumeObservationContext observationContext = new MessageConsumeObservationContext(message,
				this.settings.channel(), this.binder, context.getDestination().name(), context.getGroup(),
				context.getDeliveryAttempt());
		Observation observation = this.observations.consume(observationContext).start();
		try (Observation.Scope scope = observation.openScope()) {
			Message reply = this.propagatedHeaders.callWith(message.getHeaders(),
					() -> this.delegate.handle(message, context));
			observationContext.setOutcome("SUCCESS");
			return reply;
		}
		catch (Exception ex) {
			observationContext.setOutcome("FAILURE");
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	@Override
	public String toString() {
		return this.delegate.toString();
	}

}
