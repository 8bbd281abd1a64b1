package dev.switchboard.autoconfigure.discovery.etcd;

/**
 * An etcd call that failed or did not answer within {@code switchboard.discovery.etcd.call-timeout}. The
 * message names the call, the endpoints and the property that lists them.
 *
 * @author Switchboard
 */
public class EtcdCallException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates a new exception.
	 * @param message what failed, where
	 * @param cause the client's failure
	 */
	public EtcdCallException(String message, Throwable cause) {
		super(message, cause);
	}

}
