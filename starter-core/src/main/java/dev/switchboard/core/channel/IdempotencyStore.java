package dev.switchboard.core.channel;

import java.time.Instant;

/**
 * Remembers, per consumer scope (destination and group), which message ids are being processed and which were
 * processed, so that a redelivered duplicate is acknowledged without being processed again. Each operation is
 * one atomic step of the store (a SQL statement, a Redis script); what the states mean and when each operation
 * is called is decided by {@link IdempotentConsumer}, so every store behaves the same.
 * <p>
 * A record is either a <em>claim</em> (a consumer is running the handler; it lapses at its lease expiry, so a
 * consumer that died mid-handler does not hold the message forever) or <em>processed</em> (the handler
 * succeeded; remembered until the end of the window). All times come from the caller's clock, so the store
 * never compares clocks of its own.
 *
 * @author Switchboard
 * @see IdempotentConsumer
 * @see InMemoryIdempotencyStore
 */
public interface IdempotencyStore {

	/**
	 * Claims a message for processing, atomically: the claim is taken when the store has no live record of the
	 * message (none at all, a claim whose lease expired at or before {@code now}, or a processed record past its
	 * window); otherwise the live record is reported.
	 * @param scope the consumer's scope: each group processes each message once
	 * @param messageId the message id
	 * @param token identifies this claim, so that only its holder {@linkplain #release releases} it
	 * @param now the caller's time
	 * @param leaseExpiry when the claim lapses unless marked processed
	 * @return what the store holds now
	 */
	ClaimResult claim(String scope, String messageId, String token, Instant now, Instant leaseExpiry);

	/**
	 * Records that a message was processed, whoever holds its claim now: the handler ran to completion.
	 * @param scope the consumer's scope
	 * @param messageId the message id
	 * @param rememberUntil the end of the window, after which a redelivery is processed again
	 */
	void markProcessed(String scope, String messageId, Instant rememberUntil);

	/**
	 * Gives up a claim after processing failed, so that the retry or a redelivery is processed at once. Does
	 * nothing when the message is no longer claimed with this token (its lease expired and another consumer
	 * took it, or it was processed).
	 * @param scope the consumer's scope
	 * @param messageId the message id
	 * @param token the token the claim was taken with
	 */
	void release(String scope, String messageId, String token);

	/**
	 * What the store is, for the actuator endpoint and metrics: {@code memory}, {@code jdbc}, {@code redis}.
	 * @return a short name
	 */
	default String type() {
		return getClass().getSimpleName();
	}

}
