package dev.switchboard.core.channel;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link InMemoryIdempotencyStore}. The behaviour every store shares is in the store contract tests of
 * starter-test; these cover what only this store has: its size bound and eviction.
 *
 * @author Switchboard
 */
class InMemoryIdempotencyStoreTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void claimThenProcessedThenDuplicate() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(10, Duration.ofMinutes(1));
		assertThat(store.claim("orders/a", "m1", "t1", T0, T0.plusSeconds(60))).isEqualTo(ClaimResult.claimed());
		assertThat(store.claim("orders/a", "m1", "t2", T0, T0.plusSeconds(60)))
			.isEqualTo(ClaimResult.held(T0.plusSeconds(60)));
		assertThat(store.claim("orders/b", "m1", "t3", T0, T0.plusSeconds(60))).as("another group")
			.isEqualTo(ClaimResult.claimed());
		store.markProcessed("orders/a", "m1", T0.plusSeconds(600));
		assertThat(store.claim("orders/a", "m1", "t4", T0.plusSeconds(599), T0.plusSeconds(659)))
			.isEqualTo(ClaimResult.processed());
		assertThat(store.claim("orders/a", "m1", "t5", T0.plusSeconds(600), T0.plusSeconds(660)))
			.as("after the window").isEqualTo(ClaimResult.claimed());
	}

	@Test
	void lapsedClaimIsReclaimedAndItsHolderCanNoLongerReleaseIt() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(10, Duration.ofMinutes(1));
		store.claim("s", "m1", "dead", T0, T0.plusSeconds(30));
		assertThat(store.claim("s", "m1", "next", T0.plusSeconds(30), T0.plusSeconds(60)))
			.isEqualTo(ClaimResult.reclaimed());
		store.release("s", "m1", "dead");
		assertThat(store.claim("s", "m1", "third", T0.plusSeconds(31), T0.plusSeconds(61)))
			.isEqualTo(ClaimResult.held(T0.plusSeconds(60)));
	}

	@Test
	void expiredRecordsAreEvicted() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(10, Duration.ofSeconds(5));
		store.claim("s", "m1", "t1", T0, T0.plusSeconds(10));
		store.markProcessed("s", "m1", T0.plusSeconds(10));
		store.claim("s", "m2", "t2", T0, T0.plusSeconds(10));
		store.claim("s", "m3", "t3", T0.plusSeconds(15), T0.plusSeconds(25));
		assertThat(store.size()).as("m1 (processed) and m2 (claim past its retention) evicted").isEqualTo(1);
	}

	@Test
	void oldestRecordIsForgottenBeyondMaxEntries() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(2, Duration.ZERO);
		for (String id : new String[] { "m1", "m2", "m3" }) {
			store.claim("s", id, "t", T0, T0.plusSeconds(60));
			store.markProcessed("s", id, T0.plusSeconds(600));
		}
		assertThat(store.size()).isEqualTo(2);
		assertThat(store.claim("s", "m3", "t", T0, T0.plusSeconds(60))).isEqualTo(ClaimResult.processed());
		assertThat(store.claim("s", "m1", "t", T0, T0.plusSeconds(60))).isEqualTo(ClaimResult.claimed());
	}

	@Test
	void invalidSettingsAreRejectedPrintingTheValue() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryIdempotencyStore(0, Duration.ZERO))
			.withMessage("maxEntries must be at least 1 but was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new InMemoryIdempotencyStore(1, Duration.ofSeconds(-1)))
			.withMessage("retention must not be negative but was PT-1S");
	}

}
