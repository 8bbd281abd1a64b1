package dev.switchboard.autoconfigure.channel.dedup;

import java.time.Instant;
import java.util.UUID;

import javax.sql.DataSource;

import dev.switchboard.core.channel.ClaimResult;
import dev.switchboard.core.channel.IdempotencyStore;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract on {@link JdbcIdempotencyStore}, and its cleanup.
 *
 * @author Switchboard
 */
abstract class AbstractJdbcIdempotencyStoreContractTests extends AbstractIdempotencyStoreContractTests {

	private JdbcTemplate jdbc;

	abstract DataSource dataSource() throws Exception;

	@Override
	IdempotencyStore createStore() throws Exception {
		this.jdbc = new JdbcTemplate(dataSource());
		return new JdbcIdempotencyStore(this.jdbc, RETENTION);
	}

	@Override
	void cleanUp(String scopePrefix) {
		this.jdbc.update("DELETE FROM " + JdbcIdempotencyStore.TABLE + " WHERE scope LIKE ?", scopePrefix + "%");
	}

	@Test
	void cleanupDeletesWhatNoLongerDecidesAnythingAndTrimsToMaxEntries() {
		// Its own scope, counted alone; a far-future "now" would delete other runs' rows, so times are real.
		String scope = "cleanup-" + UUID.randomUUID().toString().substring(0, 8);
		Instant now = Instant.now();
		JdbcIdempotencyStore store = (JdbcIdempotencyStore) store();
		store.markProcessed(scope, "expired", now.minusSeconds(1));
		store.claim(scope, "lapsed-long-ago", "t", now.minus(RETENTION).minusSeconds(10),
				now.minus(RETENTION).minusSeconds(5));
		store.claim(scope, "lapsed-recently", "t", now.minusSeconds(10), now.minusSeconds(5));
		for (int i = 0; i < 3; i++) {
			store.markProcessed(scope, "kept-" + i, now.plusSeconds(600 + i));
		}
		store.cleanUp(now, 1_000_000);
		assertThat(ids(scope)).containsExactlyInAnyOrder("lapsed-recently", "kept-0", "kept-1", "kept-2");
		assertThat(store.claim(scope, "lapsed-recently", "t2", now, now.plusSeconds(30)))
			.isEqualTo(ClaimResult.reclaimed());
		cleanUp(scope);
	}

	@Test
	void cleanupTrimsTheOldestProcessedMessagesBeyondMaxEntries() {
		String scope = "trim-" + UUID.randomUUID().toString().substring(0, 8);
		// Far-future windows, so that these are the newest processed rows in the table whatever else it holds.
		Instant now = Instant.now();
		JdbcIdempotencyStore store = (JdbcIdempotencyStore) store();
		for (int i = 0; i < 5; i++) {
			store.markProcessed(scope, "p" + i, now.plusSeconds(10_000_000L + i));
		}
		store.cleanUp(now, 3);
		assertThat(ids(scope)).containsExactlyInAnyOrder("p2", "p3", "p4");
		cleanUp(scope);
	}

	private java.util.List<String> ids(String scope) {
		return this.jdbc.queryForList("SELECT message_id FROM " + JdbcIdempotencyStore.TABLE + " WHERE scope = ?",
				String.class, scope);
	}

}
