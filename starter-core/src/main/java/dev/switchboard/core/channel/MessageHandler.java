package dev.switchboard.core.channel;

import org.jspecify.annotations.Nullable;

/**
 * Processes messages delivered by a {@link ChannelBinder}. A normal return acknowledges the message; an
 * exception makes the binder retry it with backoff and then dead-letter it, except an
 * {@link UnreadableMessageException}, which is dead-lettered at once.
 *
 * @author Switchboard
 */
@FunctionalInterface
public interface MessageHandler {

	/**
	 * Processes one delivery.
	 * @param message the message
	 * @param context the delivery's context
	 * @return a reply when the message is a request to answer (see
	 * {@link ChannelBinder#request(ChannelDestination, Message, java.time.Duration)}), otherwise {@code null};
	 * binders ignore a reply to a message that is not a request
	 * @throws Exception when processing failed
	 */
	@Nullable Message handle(Message message, MessageContext context) throws Exception;

}
