package dev.switchboard.core.channel;

import org.jspecify.annotations.Nullable;

/**
 * Thrown to a publisher when a message was handed to the broker but its acknowledgement did not arrive before
 * the publish deadline (a RabbitMQ publisher confirm, Kafka's {@code acks=all}): the message may have been
 * published, or may still be. Publishing it again with the same {@linkplain #getMessageId() id} is safe for
 * Switchboard listeners, whose duplicate suppression drops the second copy.
 *
 * @author Switchboard
 */
public class PublishOutcomeUnknownException extends ChannelPublishException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what is known
	 * @param messageId the id of the message
	 * @param cause the binder's last failure, if any
	 */
	public PublishOutcomeUnknownException(String message, String messageId, @Nullable Throwable cause) {
		super(message, messageId, cause);
	}

}
