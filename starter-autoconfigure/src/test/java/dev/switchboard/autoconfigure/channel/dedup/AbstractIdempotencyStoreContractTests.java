package dev.switchboard.autoconfigure.channel.dedup;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.switchboard.core.channel.ClaimResult;
import dev.switchboard.core.channel.IdempotencyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link IdempotencyStore} guarantees, run against each store on its real server. Times are the real
 * clock's, since Redis expires keys by its own; leases and windows are short. Each run uses scopes of its own.
 *
 * @author Switchboard
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractIdempotencyStoreContractTests {

	/** How long a lapsed claim stays recognisable in the stores under test. */
	static final Duration RETENTION = Duration.ofMinutes(1);

	private static final Duration LEASE = Duration.ofSeconds(30);

	private final String scope = "orders/contract-" + UUID.randomUUID().toString().substring(0, 8);

	private IdempotencyStore store;

	/** Creates the store on its server. */
	abstract IdempotencyStore createStore() throws Exception;

	/** Deletes what the run left behind. */
	void cleanUp(String scopePrefix) throws Exception {
	}

	@BeforeAll
	void setUpStore() throws Exception {
		this.store = createStore();
	}

	@AfterAll
	void tearDownStore() throws Exception {
		cleanUp(this.scope);
	}

	IdempotencyStore store() {
		return this.store;
	}

	@Test
	void firstClaimWinsAndLaterOnesSeeTheLiveClaim() {
		Instant now = now();
		assertThat(this.store.claim(this.scope, "m1", "t1", now, now.plus(LEASE))).isEqualTo(ClaimResult.claimed());
		ClaimResult second = this.store.claim(this.scope, "m1", "t2", now.plusMillis(5), now.plus(LEASE));
		assertThat(second.outcome()).isEqualTo(ClaimResult.Outcome.HELD);
		assertThat(second.heldUntil()).isEqualTo(now.plus(LEASE));
		assertThat(this.store.claim(this.scope + "-other-group", "m1", "t3", now, now.plus(LEASE)))
			.as("another scope").isEqualTo(ClaimResult.claimed());
	}

	@Test
	void processedMessageIsADuplicateUntilTheEndOfItsWindow() {
		Instant now = now();
		this.store.claim(this.scope, "m2", "t1", now, now.plus(LEASE));
		this.store.markProcessed(this.scope, "m2", now.plusMillis(400));
		assertThat(this.store.claim(this.scope, "m2", "t2", now(), now().plus(LEASE)))
			.isEqualTo(ClaimResult.processed());
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> this.store.claim(this.scope, "m2", "t3", now(), now().plus(LEASE)),
					ClaimResult.claimed()::equals);
	}

	@Test
	void lapsedClaimIsReclaimedAndItsFormerHolderCannotReleaseIt() {
		Instant now = now();
		this.store.claim(this.scope, "m3", "dead", now, now.plusMillis(200));
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> this.store.claim(this.scope, "m3", "next", now(), now().plus(LEASE)),
					(result) -> result.outcome() != ClaimResult.Outcome.HELD);
		// The await's last claim took it over:
		this.store.release(this.scope, "m3", "dead");
		assertThat(this.store.claim(this.scope, "m3", "third", now(), now().plus(LEASE)).outcome())
			.isEqualTo(ClaimResult.Outcome.HELD);
	}

	@Test
	void lapsedClaimIsReportedAsReclaimed() {
		Instant now = now();
		this.store.claim(this.scope, "m4", "dead", now.minusSeconds(10), now.minusSeconds(5));
		assertThat(this.store.claim(this.scope, "m4", "next", now, now.plus(LEASE)))
			.isEqualTo(ClaimResult.reclaimed());
	}

	@Test
	void releasedClaimIsClaimedAgainAtOnceButOnlyByItsToken() {
		Instant now = now();
		this.store.claim(this.scope, "m5", "holder", now, now.plus(LEASE));
		this.store.release(this.scope, "m5", "someone-else");
		assertThat(this.store.claim(this.scope, "m5", "t2", now, now.plus(LEASE)).outcome())
			.isEqualTo(ClaimResult.Outcome.HELD);
		this.store.release(this.scope, "m5", "holder");
		assertThat(this.store.claim(this.scope, "m5", "t3", now, now.plus(LEASE))).isEqualTo(ClaimResult.claimed());
	}

	@Test
	void releaseOfAProcessedMessageKeepsItProcessed() {
		Instant now = now();
		this.store.claim(this.scope, "m6", "holder", now, now.plus(LEASE));
		this.store.markProcessed(this.scope, "m6", now.plus(LEASE));
		this.store.release(this.scope, "m6", "holder");
		assertThat(this.store.claim(this.scope, "m6", "t2", now, now.plus(LEASE))).isEqualTo(ClaimResult.processed());
	}

	@Test
	void markingProcessedWithoutAClaimRecordsTheMessage() {
		Instant now = now();
		this.store.markProcessed(this.scope, "m7", now.plus(LEASE));
		assertThat(this.store.claim(this.scope, "m7", "t", now, now.plus(LEASE))).isEqualTo(ClaimResult.processed());
	}

	@Test
	void ofConcurrentClaimsExactlyOneWins() throws Exception {
		assertThat(race("m8", now())).containsOnlyOnce(ClaimResult.Outcome.CLAIMED)
			.doesNotContain(ClaimResult.Outcome.RECLAIMED);
	}

	@Test
	void ofConcurrentTakeoversOfALapsedClaimExactlyOneWins() throws Exception {
		Instant now = now();
		this.store.claim(this.scope, "m9", "dead", now.minusSeconds(10), now.minusSeconds(5));
		assertThat(race("m9", now)).containsOnlyOnce(ClaimResult.Outcome.RECLAIMED)
			.doesNotContain(ClaimResult.Outcome.CLAIMED);
	}

	/** Millisecond precision, as the shared stores keep times. */
	private static Instant now() {
		return Instant.now().truncatedTo(ChronoUnit.MILLIS);
	}

	private List<ClaimResult.Outcome> race(String id, Instant now) throws Exception {
		int threads = 8;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<ClaimResult>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				String token = "t" + i;
				Callable<ClaimResult> claim = () -> {
					start.await();
					return this.store.claim(this.scope, id, token, now, now.plus(LEASE));
				};
				futures.add(executor.submit(claim));
			}
			start.countDown();
			List<ClaimResult.Outcome> outcomes = new ArrayList<>();
			for (Future<ClaimResult> future : futures) {
				outcomes.add(future.get().outcome());
			}
			assertThat(outcomes).hasSize(threads);
			return outcomes;
		}
		finally {
			executor.shutdownNow();
		}
	}

}
