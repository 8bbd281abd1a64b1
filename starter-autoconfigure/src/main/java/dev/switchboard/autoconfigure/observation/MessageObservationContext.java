package dev.switchboard.autoconfigure.observation;

import org.jspecify.annotations.Nullable;

/**
 * What publish and consume observation contexts of channel messages tell their conventions.
 *
 * @author Switchboard
 */
public interface MessageObservationContext {

	/**
	 * The channel name.
	 * @return the channel
	 */
	String getChannel();

	/**
	 * The binder of the channel.
	 * @return the binder name ({@code memory}, {@code kafka}, {@code rabbit})
	 */
	String getBinder();

	/**
	 * The destination on the broker.
	 * @return the destination name
	 */
	String getDestination();

	/**
	 * The id of the message.
	 * @return the message id, or {@code null} before it is known
	 */
	@Nullable String getMessageId();

	/**
	 * The outcome, {@code SUCCESS} or {@code FAILURE}.
	 * @return the outcome, or {@code null} while unknown
	 */
	@Nullable String getOutcome();

}
