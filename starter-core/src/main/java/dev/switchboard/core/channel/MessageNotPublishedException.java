package dev.switchboard.core.channel;

import org.jspecify.annotations.Nullable;

/**
 * Thrown to a publisher when a message was not published and never will be: its deadline passed before it was
 * handed to the broker (it was withdrawn), too many publishes were pending, the broker refused it for good, or
 * the binder was closed. Publishing it again cannot duplicate it.
 *
 * @author Switchboard
 */
public class MessageNotPublishedException extends ChannelPublishException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message why the message was not published
	 * @param messageId the id of the message
	 * @param cause the binder's failure, if any
	 */
	public MessageNotPublishedException(String message, @Nullable String messageId, @Nullable Throwable cause) {
		super(message, messageId, cause);
	}

}
