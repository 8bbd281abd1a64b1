package dev.switchboard.core.channel;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.switchboard.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link IdempotentConsumer}: the claim, processed and lapse policy, on a fake clock.
 *
 * @author Switchboard
 */
class IdempotentConsumerTests {

	private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration WINDOW = Duration.ofMinutes(10);

	private final MutableClock clock = new MutableClock();

	private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(1000, WINDOW);

	private final RecordingListener events = new RecordingListener();

	private final List<Duration> sleeps = new ArrayList<>();

	private final IdempotentConsumer policy = new IdempotentConsumer(this.store, CLAIM_TIMEOUT, WINDOW, this.clock,
			this.events, (duration) -> {
				this.sleeps.add(duration);
				this.clock.advance(duration);
			});

	private final AtomicInteger runs = new AtomicInteger();

	private final MessageHandler handler = this.policy.wrap((message, context) -> {
		this.runs.incrementAndGet();
		return null;
	});

	private final Message message = Message.builder("{}").id("m1").build();

	@Test
	void redeliveryOfAProcessedMessageIsSkipped() throws Exception {
		this.handler.handle(this.message, context("a"));
		this.handler.handle(this.message, context("a"));
		assertThat(this.runs).hasValue(1);
		assertThat(this.events.log).containsExactly("claimed orders/a", "duplicate orders/a");
	}

	@Test
	void eachGroupProcessesTheMessageOnce() throws Exception {
		this.handler.handle(this.message, context("a"));
		this.handler.handle(this.message, context("b"));
		assertThat(this.runs).hasValue(2);
	}

	@Test
	void processedMessageIsForgottenAfterTheWindow() throws Exception {
		this.handler.handle(this.message, context("a"));
		this.clock.advance(WINDOW.minusSeconds(1));
		this.handler.handle(this.message, context("a"));
		assertThat(this.runs).hasValue(1);
		this.clock.advance(Duration.ofSeconds(1));
		this.handler.handle(this.message, context("a"));
		assertThat(this.runs).hasValue(2);
	}

	@Test
	void failedHandlerReleasesItsClaimSoTheRetryRunsAtOnce() throws Exception {
		MessageHandler failing = this.policy.wrap((message, context) -> {
			this.runs.incrementAndGet();
			throw new IllegalStateException("boom");
		});
		assertThatIllegalStateException().isThrownBy(() -> failing.handle(this.message, context("a")));
		this.handler.handle(this.message, context("a"));
		assertThat(this.runs).hasValue(2);
		assertThat(this.sleeps).isEmpty();
	}

	@Test
	void redeliveryAfterAConsumerDiedMidHandlerRunsOnceTheClaimLapses() throws Exception {
		// A consumer claimed the message and died before marking it processed.
		Instant claimedAt = this.clock.instant();
		this.store.claim("orders/a", "m1", "dead-consumer", claimedAt, claimedAt.plus(CLAIM_TIMEOUT));
		this.clock.advance(Duration.ofSeconds(5));

		this.handler.handle(this.message, context("a"));

		assertThat(this.runs).hasValue(1);
		assertThat(this.events.log).containsExactly("waiting orders/a", "reclaimed orders/a");
		// It waited for the lease, and not much longer.
		assertThat(this.clock.instant()).isAfterOrEqualTo(claimedAt.plus(CLAIM_TIMEOUT))
			.isBefore(claimedAt.plus(CLAIM_TIMEOUT).plusSeconds(1));
		this.handler.handle(this.message, context("a"));
		assertThat(this.runs).hasValue(1);
	}

	@Test
	void redeliveryWhileAnotherConsumerRunsTheMessageIsSkippedOnceThatOneSucceeds() throws Exception {
		this.store.claim("orders/a", "m1", "other", this.clock.instant(), this.clock.instant().plus(CLAIM_TIMEOUT));
		IdempotentConsumer policy = new IdempotentConsumer(this.store, CLAIM_TIMEOUT, WINDOW, this.clock, this.events,
				(duration) -> {
					this.clock.advance(duration);
					// The other consumer finishes during the first wait.
					this.store.markProcessed("orders/a", "m1", this.clock.instant().plus(WINDOW));
				});
		policy.wrap((message, context) -> {
			this.runs.incrementAndGet();
			return null;
		}).handle(this.message, context("a"));
		assertThat(this.runs).hasValue(0);
		assertThat(this.events.log).containsExactly("waiting orders/a", "duplicate orders/a");
	}

	@Test
	void failureToMarkProcessedDoesNotFailTheProcessedDelivery() throws Exception {
		IdempotencyStore broken = new IdempotencyStore() {

			@Override
			public ClaimResult claim(String scope, String messageId, String token, Instant now, Instant leaseExpiry) {
				return ClaimResult.claimed();
			}

			@Override
			public void markProcessed(String scope, String messageId, Instant rememberUntil) {
				throw new IllegalStateException("store down");
			}

			@Override
			public void release(String scope, String messageId, String token) {
			}

		};
		Message reply = Message.builder("{}").build();
		Message result = new IdempotentConsumer(broken, CLAIM_TIMEOUT, WINDOW, this.clock, this.events)
			.wrap((message, context) -> reply)
			.handle(this.message, context("a"));
		assertThat(result).isSameAs(reply);
	}

	@Test
	void unreachableStoreFailsTheDeliverySoItIsNotAcknowledged() {
		IdempotencyStore down = new IdempotencyStore() {

			@Override
			public ClaimResult claim(String scope, String messageId, String token, Instant now, Instant leaseExpiry) {
				throw new IllegalStateException("store down");
			}

			@Override
			public void markProcessed(String scope, String messageId, Instant rememberUntil) {
			}

			@Override
			public void release(String scope, String messageId, String token) {
			}

		};
		MessageHandler guarded = new IdempotentConsumer(down, CLAIM_TIMEOUT, WINDOW, this.clock, this.events)
			.wrap((message, context) -> {
				this.runs.incrementAndGet();
				return null;
			});
		assertThatIllegalStateException().isThrownBy(() -> guarded.handle(this.message, context("a")))
			.withMessage("store down");
		assertThat(this.runs).hasValue(0);
	}

	private MessageContext context(String group) {
		return new MessageContext(ChannelDestination.of("orders"), group, this.message, 1);
	}

	static final class RecordingListener implements DeduplicationListener {

		final List<String> log = new ArrayList<>();

		@Override
		public void claimed(String scope, boolean reclaimed) {
			this.log.add((reclaimed ? "reclaimed " : "claimed ") + scope);
		}

		@Override
		public void duplicate(String scope) {
			this.log.add("duplicate " + scope);
		}

		@Override
		public void waiting(String scope) {
			this.log.add("waiting " + scope);
		}

	}

}
