package dev.switchboard.autoconfigure.channel;

import java.util.concurrent.CompletableFuture;

import dev.switchboard.core.channel.Message;

/**
 * Takes the publishes of the channels that go through a transactional outbox: instead of handing a message to
 * the binder, {@link ChannelPublisher} stores it in the caller's transaction, and a relay sends it after commit.
 *
 * @author Switchboard
 * @see dev.switchboard.autoconfigure.channel.outbox.OutboxWriter
 */
public interface MessageOutbox {

	/**
	 * Whether a channel publishes through the outbox ({@code switchboard.channels.<name>.outbox.enabled}).
	 * @param channel the channel name
	 * @return whether its publishes are stored instead of sent
	 */
	boolean isEnabled(String channel);

	/**
	 * Stores a message in the caller's transaction.
	 * @param settings the channel's settings
	 * @param message the message, with every header it will be sent with
	 * @return a future completed when the message is stored (it is sent once the transaction commits)
	 * @throws IllegalStateException when no transaction is active, naming the channel and the property
	 */
	CompletableFuture<Void> store(ChannelSettings settings, Message message);

}
