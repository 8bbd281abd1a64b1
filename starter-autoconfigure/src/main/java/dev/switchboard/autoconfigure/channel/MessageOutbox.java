package dev.switchboard.autoconfigure.channel;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.switchboard.core.channel.Message;
import org.jspecify.annotations.Nullable;

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

	/**
	 * What the outbox holds for a channel, for operators.
	 * @param channel the channel name
	 * @return the state, or {@code null} when the channel does not publish through the outbox
	 */
	default @Nullable Backlog backlog(String channel) {
		return null;
	}

	/**
	 * The messages of one channel waiting in the outbox, as last counted.
	 *
	 * @param pending how many wait
	 * @param oldestAge how long the oldest of them has waited
	 */
	record Backlog(long pending, Duration oldestAge) {
	}

}
