package dev.switchboard.core.call;

/**
 * A call none of whose attempts answered in time, when the transport has no exception type of its own for it.
 *
 * @author Switchboard
 */
public class CallTimeoutException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message what timed out
	 */
	public CallTimeoutException(String message) {
		super(message);
	}

}
