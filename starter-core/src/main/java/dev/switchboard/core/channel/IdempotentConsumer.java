package dev.switchboard.core.channel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The duplicate-suppression policy every {@link IdempotencyStore} is used through: a delivery
 * <em>claims</em> its message with a lease before the handler runs and marks it <em>processed</em> only after
 * the handler returned normally. So:
 * <ul>
 * <li>a redelivery of a processed message is acknowledged without running the handler, on any consumer that
 * shares the store, for the window;</li>
 * <li>a failed handler releases its claim, so the retry or the redelivery runs at once;</li>
 * <li>a consumer that dies mid-handler (SIGKILL, power loss) leaves a claim that lapses after the claim
 * timeout, and the redelivery then runs the handler (at-least-once, never lost);</li>
 * <li>a delivery that finds a live claim of another consumer (a duplicate delivered while the first copy is
 * still running, or the claim of a consumer that died) waits until that claim is marked processed (then it is
 * acknowledged as a duplicate) or lapses (then it runs here). It neither acknowledges a message that nobody may
 * have processed nor fails the delivery: a failure would count against the channel's retry attempts and could
 * dead-letter a good message while a dead consumer's claim runs out. The wait is bounded by the lease.</li>
 * </ul>
 * The claim timeout must be longer than any handler run: a handler still running when its lease lapses may be
 * run a second time by a redelivery.
 *
 * @author Switchboard
 */
public final class IdempotentConsumer {

	private static final Log logger = LogFactory.getLog(IdempotentConsumer.class);

	private static final Duration MIN_POLL = Duration.ofMillis(20);

	private static final Duration MAX_POLL = Duration.ofSeconds(1);

	private final IdempotencyStore store;

	private final Duration claimTimeout;

	private final Duration window;

	private final Clock clock;

	private final DeduplicationListener listener;

	private final Sleeper sleeper;

	/**
	 * Creates the policy.
	 * @param store the store, shared by the consumers that must not process a message twice
	 * @param claimTimeout how long a claim lives without being marked processed: longer than a handler run
	 * @param window how long a processed message is remembered
	 * @param clock the clock that times leases and windows
	 * @param listener hears each decision
	 */
	public IdempotentConsumer(IdempotencyStore store, Duration claimTimeout, Duration window, Clock clock,
			DeduplicationListener listener) {
		this(store, claimTimeout, window, clock, listener, (duration) -> Thread.sleep(duration.toMillis()));
	}

	IdempotentConsumer(IdempotencyStore store, Duration claimTimeout, Duration window, Clock clock,
			DeduplicationListener listener, Sleeper sleeper) {
		requirePositive(claimTimeout, "claimTimeout");
		requirePositive(window, "window");
		this.store = store;
		this.claimTimeout = claimTimeout;
		this.window = window;
		this.clock = clock;
		this.listener = listener;
		this.sleeper = sleeper;
	}

	/**
	 * Wraps a handler in this policy.
	 * @param delegate the handler that processes new messages
	 * @return the deduplicating handler
	 */
	public MessageHandler wrap(MessageHandler delegate) {
		return new DeduplicatingMessageHandler(this, delegate);
	}

	/**
	 * The store.
	 * @return the store
	 */
	public IdempotencyStore getStore() {
		return this.store;
	}

	/**
	 * How long a claim lives without being marked processed.
	 * @return the claim timeout
	 */
	public Duration getClaimTimeout() {
		return this.claimTimeout;
	}

	/**
	 * How long processed messages are remembered.
	 * @return the window
	 */
	public Duration getWindow() {
		return this.window;
	}

	@Nullable Message handle(Message message, MessageContext context, MessageHandler delegate) throws Exception {
		String scope = scope(context);
		String id = message.getId();
		String token = UUID.randomUUID().toString();
		boolean waited = false;
		while (true) {
			Instant now = this.clock.instant();
			ClaimResult result = this.store.claim(scope, id, token, now, now.plus(this.claimTimeout));
			switch (result.outcome()) {
				case PROCESSED -> {
					this.listener.duplicate(scope);
					if (logger.isDebugEnabled()) {
						logger.debug("Skipping duplicate message " + id + " on " + scope);
					}
					return null;
				}
				case HELD -> {
					if (!waited) {
						waited = true;
						this.listener.waiting(scope);
						if (logger.isDebugEnabled()) {
							logger.debug("Message " + id + " on " + scope + " is claimed by another consumer until "
									+ result.heldUntil() + "; waiting for it to be processed or to lapse");
						}
					}
					this.sleeper.sleep(pollInterval(now, result.heldUntil()));
				}
				default -> {
					boolean reclaimed = result.outcome() == ClaimResult.Outcome.RECLAIMED;
					this.listener.claimed(scope, reclaimed);
					if (reclaimed) {
						logger.info("Reclaimed message " + id + " on " + scope + ": its previous claim lapsed after "
								+ this.claimTimeout + " (its consumer died or overran the claim timeout)");
					}
					return process(scope, id, token, message, context, delegate);
				}
			}
		}
	}

	private @Nullable Message process(String scope, String id, String token, Message message, MessageContext context,
			MessageHandler delegate) throws Exception {
		Message reply;
		try {
			reply = delegate.handle(message, context);
		}
		catch (Exception | Error ex) {
			try {
				this.store.release(scope, id, token);
			}
			catch (RuntimeException releaseFailure) {
				// The lease lapses by itself: the redelivery waits for it instead of running at once.
				ex.addSuppressed(releaseFailure);
			}
			throw ex;
		}
		try {
			this.store.markProcessed(scope, id, this.clock.instant().plus(this.window));
		}
		catch (RuntimeException ex) {
			// The handler's work is done: failing the delivery would run it again. The claim lapses after the
			// claim timeout, so only a redelivery after that would run it twice.
			logger.warn("Processed message " + id + " on " + scope + " but could not mark it processed in "
					+ this.store.type() + "; a redelivery after " + this.claimTimeout + " would run it again", ex);
		}
		return reply;
	}

	private static Duration pollInterval(Instant now, @Nullable Instant heldUntil) {
		// Poll quickly at first (the other copy is usually almost done), never past the lease expiry by much.
		Duration untilLapse = (heldUntil != null) ? Duration.between(now, heldUntil) : MAX_POLL;
		Duration interval = untilLapse.dividedBy(4);
		if (interval.compareTo(MIN_POLL) < 0) {
			return MIN_POLL;
		}
		return (interval.compareTo(MAX_POLL) > 0) ? MAX_POLL : interval;
	}

	/**
	 * The scope ids are remembered in: one per destination and group.
	 * @param context the delivery context
	 * @return the scope
	 */
	static String scope(MessageContext context) {
		return context.getDestination().name() + '/' + context.getGroup();
	}

	private static void requirePositive(Duration duration, String name) {
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive but was " + duration);
		}
	}

	@Override
	public String toString() {
		return "IdempotentConsumer[store=" + this.store.type() + ", claimTimeout=" + this.claimTimeout + ", window="
				+ this.window + "]";
	}

	/** Waits between polls of a held claim; replaced in tests that drive a fake clock. */
	@FunctionalInterface
	interface Sleeper {

		void sleep(Duration duration) throws InterruptedException;

	}

}
