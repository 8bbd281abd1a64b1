package dev.switchboard.core.channel;

/**
 * Hears what {@link IdempotentConsumer} decided for each delivery, for metrics. Called on the consumer's thread;
 * implementations must be quick and must not throw.
 *
 * @author Switchboard
 */
public interface DeduplicationListener {

	/** Hears nothing. */
	DeduplicationListener NONE = new DeduplicationListener() {
	};

	/**
	 * A delivery claimed its message and runs the handler.
	 * @param scope the consumer's scope
	 * @param reclaimed whether the claim replaced one whose lease had expired (its consumer died or overran)
	 */
	default void claimed(String scope, boolean reclaimed) {
	}

	/**
	 * A delivery was a duplicate of a processed message and was acknowledged without running the handler.
	 * @param scope the consumer's scope
	 */
	default void duplicate(String scope) {
	}

	/**
	 * A delivery found a live claim of another consumer and waits for it to be processed or to lapse.
	 * @param scope the consumer's scope
	 */
	default void waiting(String scope) {
	}

}
