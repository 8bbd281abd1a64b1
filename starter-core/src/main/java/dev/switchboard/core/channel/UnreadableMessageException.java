package dev.switchboard.core.channel;

/**
 * Thrown by a {@link MessageHandler} when a message's payload cannot be read (for example JSON that does not
 * match the listener's type). Retrying cannot help, so binders dead-letter such a message without retries.
 *
 * @author Switchboard
 */
public class UnreadableMessageException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what could not be read
	 * @param cause the conversion failure
	 */
	public UnreadableMessageException(String message, Throwable cause) {
		super(message, cause);
	}

}
