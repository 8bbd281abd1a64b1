package dev.switchboard.autoconfigure.channel.outbox;

/**
 * Thrown when a message of a channel that publishes through the outbox is published outside a transaction on
 * the outbox's DataSource: there is no transaction for the message to commit or roll back with.
 *
 * @author Switchboard
 */
public class OutboxTransactionRequiredException extends IllegalStateException {

	private final String channel;

	/**
	 * Creates an exception.
	 * @param channel the channel
	 * @param problem what is missing
	 */
	public OutboxTransactionRequiredException(String channel, String problem) {
		super("Channel '" + channel + "' publishes through the transactional outbox ("
				+ OutboxChannels.property(channel) + "=true), but " + problem + ": publish inside a"
				+ " @Transactional method (or a TransactionTemplate) on the application's DataSource, or set "
				+ OutboxChannels.property(channel) + "=false to publish directly");
		this.channel = channel;
	}

	/**
	 * The channel that was published on.
	 * @return the channel name
	 */
	public String getChannel() {
		return this.channel;
	}

}
