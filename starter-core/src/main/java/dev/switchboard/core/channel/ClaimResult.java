package dev.switchboard.core.channel;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What {@link IdempotencyStore#claim} found and did.
 *
 * @param outcome the outcome
 * @param heldUntil when the other consumer's claim lapses, for {@link Outcome#HELD}; otherwise {@code null}
 * @author Switchboard
 */
public record ClaimResult(Outcome outcome, @Nullable Instant heldUntil) {

	private static final ClaimResult CLAIMED = new ClaimResult(Outcome.CLAIMED, null);

	private static final ClaimResult RECLAIMED = new ClaimResult(Outcome.RECLAIMED, null);

	private static final ClaimResult PROCESSED = new ClaimResult(Outcome.PROCESSED, null);

	/**
	 * Checks the arguments.
	 */
	public ClaimResult {
		if ((outcome == Outcome.HELD) != (heldUntil != null)) {
			throw new IllegalArgumentException("heldUntil must be given for HELD and only for HELD, but was "
					+ heldUntil + " for " + outcome);
		}
	}

	/**
	 * The message had no live record and is now claimed.
	 * @return the result
	 */
	public static ClaimResult claimed() {
		return CLAIMED;
	}

	/**
	 * The message's previous claim had lapsed (its consumer died or overran the lease) and is now claimed anew.
	 * @return the result
	 */
	public static ClaimResult reclaimed() {
		return RECLAIMED;
	}

	/**
	 * The message was processed within the window: a duplicate.
	 * @return the result
	 */
	public static ClaimResult processed() {
		return PROCESSED;
	}

	/**
	 * Another consumer holds a live claim on the message.
	 * @param until when that claim lapses
	 * @return the result
	 */
	public static ClaimResult held(Instant until) {
		return new ClaimResult(Outcome.HELD, until);
	}

	/**
	 * The outcomes of a claim.
	 */
	public enum Outcome {

		/** Claimed: no live record existed. */
		CLAIMED,

		/** Claimed: a claim existed whose lease had expired. */
		RECLAIMED,

		/** Not claimed: processed within the window. */
		PROCESSED,

		/** Not claimed: another claim is live. */
		HELD

	}

}
