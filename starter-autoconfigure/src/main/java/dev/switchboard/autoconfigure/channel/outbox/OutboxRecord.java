package dev.switchboard.autoconfigure.channel.outbox;

import java.time.Instant;

import dev.switchboard.core.channel.Message;
import org.jspecify.annotations.Nullable;

/**
 * One pending row of the outbox table.
 *
 * @param id the row id, which orders the rows of a key
 * @param channel the channel
 * @param destination the destination on the broker
 * @param message the message to send, with its id, key and headers
 * @param createdAt when the row was written
 * @param attempts how many publishes of the row failed
 * @author Switchboard
 */
public record OutboxRecord(long id, String channel, String destination, Message message, Instant createdAt,
		int attempts) {

	/**
	 * The key that orders this row among the others: channel and message key.
	 * @return the key, or {@code null} when the message has no key
	 */
	public @Nullable String orderKey() {
		String key = this.message.getKey();
		return (key != null) ? orderKey(this.channel, key) : null;
	}

	static String orderKey(String channel, String key) {
		return channel + '\u0000' + key;
	}

}
