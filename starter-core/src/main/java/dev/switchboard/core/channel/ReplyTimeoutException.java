package dev.switchboard.core.channel;

import java.time.Duration;

/**
 * Completes a request when no reply arrived in time, typically because no listener answers the channel.
 *
 * @author Switchboard
 */
public class ReplyTimeoutException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient ChannelDestination destination;

	private final Duration timeout;

	/**
	 * Creates an exception.
	 * @param destination the destination the request went to
	 * @param timeout how long the reply was awaited
	 */
	public ReplyTimeoutException(ChannelDestination destination, Duration timeout) {
		super("No reply from channel '" + destination.channel() + "' (destination '" + destination.name()
				+ "') within " + timeout.toMillis() + " ms (request-timeout): is a @ChannelListener returning a value"
				+ " subscribed to it?");
		this.destination = destination;
		this.timeout = timeout;
	}

	/**
	 * The destination the request went to.
	 * @return the destination
	 */
	public ChannelDestination getDestination() {
		return this.destination;
	}

	/**
	 * How long the reply was awaited.
	 * @return the timeout
	 */
	public Duration getTimeout() {
		return this.timeout;
	}

}
