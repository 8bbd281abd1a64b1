package dev.switchboard.core.channel;

import org.jspecify.annotations.Nullable;

/**
 * Thrown to a publisher when a message was not confirmed by its binder. Two subclasses tell the publisher what
 * happened to the message, so that it can decide whether to publish it again:
 * <ul>
 * <li>{@link MessageNotPublishedException}: the message was not published and never will be (safe to publish
 * again);</li>
 * <li>{@link PublishOutcomeUnknownException}: the message was handed to the broker but not confirmed in time: it
 * may have been published, or may still be (publish it again with the same id: listeners' duplicate suppression
 * drops the second copy).</li>
 * </ul>
 *
 * @author Switchboard
 */
public class ChannelPublishException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String messageId;

	/**
	 * Creates an exception.
	 * @param message what failed
	 * @param cause the binder's failure
	 */
	public ChannelPublishException(String message, @Nullable Throwable cause) {
		this(message, null, cause);
	}

	/**
	 * Creates an exception about one message.
	 * @param message what failed
	 * @param messageId the id of the message, or {@code null} when not known
	 * @param cause the binder's failure
	 */
	public ChannelPublishException(String message, @Nullable String messageId, @Nullable Throwable cause) {
		super(message, cause);
		this.messageId = messageId;
	}

	/**
	 * The id of the message that was not confirmed ({@link Message#getId()}).
	 * @return the message id, or {@code null} when not known
	 */
	public @Nullable String getMessageId() {
		return this.messageId;
	}

}
