package dev.switchboard.core.channel;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link InMemoryIdempotencyStore}.
 *
 * @author Switchboard
 */
class InMemoryIdempotencyStoreTests {

	private final MutableClock clock = new MutableClock();

	@Test
	void secondClaimOfAnIdInTheSameScopeIsADuplicate() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Duration.ofMinutes(1), 10, this.clock);
		assertThat(store.tryClaim("orders/a", "m1")).isTrue();
		assertThat(store.tryClaim("orders/a", "m1")).isFalse();
		assertThat(store.tryClaim("orders/b", "m1")).as("another group").isTrue();
	}

	@Test
	void releasedIdCanBeClaimedAgain() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Duration.ofMinutes(1), 10, this.clock);
		store.tryClaim("orders/a", "m1");
		store.release("orders/a", "m1");
		assertThat(store.tryClaim("orders/a", "m1")).isTrue();
	}

	@Test
	void idIsForgottenAfterTheWindow() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Duration.ofSeconds(10), 10, this.clock);
		store.tryClaim("orders/a", "m1");
		this.clock.advance(Duration.ofSeconds(9));
		assertThat(store.tryClaim("orders/a", "m1")).isFalse();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(store.size()).isZero();
		assertThat(store.tryClaim("orders/a", "m1")).isTrue();
	}

	@Test
	void oldestIdIsForgottenBeyondMaxEntries() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(Duration.ofMinutes(1), 2, this.clock);
		store.tryClaim("s", "m1");
		store.tryClaim("s", "m2");
		store.tryClaim("s", "m3");
		assertThat(store.size()).isEqualTo(2);
		assertThat(store.tryClaim("s", "m3")).isFalse();
		assertThat(store.tryClaim("s", "m1")).isTrue();
	}

	@Test
	void invalidSettingsAreRejectedPrintingTheValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryIdempotencyStore(Duration.ZERO, 1))
			.withMessage("window must be positive but was PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryIdempotencyStore(Duration.ofSeconds(1), 0))
			.withMessage("maxEntries must be at least 1 but was 0");
	}

	static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-01-01T00:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
