package dev.switchboard.core.channel;

import org.jspecify.annotations.Nullable;

/**
 * Thrown to a publisher when the binder did not acknowledge a message.
 *
 * @author Switchboard
 */
public class ChannelPublishException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what failed
	 * @param cause the binder's failure
	 */
	public ChannelPublishException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
