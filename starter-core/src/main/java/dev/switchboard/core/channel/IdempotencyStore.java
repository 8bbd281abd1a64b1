package dev.switchboard.core.channel;

/**
 * Remembers which message ids a consumer group has processed, so that a redelivered duplicate is acknowledged
 * without being processed again. Implementations may forget ids after a window (time or count); the window
 * bounds how late a duplicate can be caught.
 *
 * @author Switchboard
 */
public interface IdempotencyStore {

	/**
	 * Claims a message id for processing.
	 * @param scope the consumer's scope (destination and group): each group processes each message once
	 * @param messageId the message id
	 * @return {@code true} if the id was not seen in this scope and is now claimed; {@code false} for a duplicate
	 */
	boolean tryClaim(String scope, String messageId);

	/**
	 * Gives up a claim after processing failed, so that the retry or a redelivery is processed.
	 * @param scope the consumer's scope
	 * @param messageId the message id
	 */
	void release(String scope, String messageId);

}
