package dev.switchboard.core.channel;

/**
 * A consumer registered with {@link ChannelBinder#subscribe}; closing it stops deliveries to its handler.
 *
 * @author Switchboard
 */
public interface Subscription extends AutoCloseable {

	/**
	 * The destination consumed.
	 * @return the destination
	 */
	ChannelDestination destination();

	/**
	 * The consumer group.
	 * @return the group
	 */
	String group();

	/**
	 * Stops consuming. Idempotent.
	 */
	@Override
	void close();

}
