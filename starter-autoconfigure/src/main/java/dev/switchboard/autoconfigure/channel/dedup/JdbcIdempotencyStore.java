package dev.switchboard.autoconfigure.channel.dedup;

import java.sql.DatabaseMetaData;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.switchboard.core.channel.ClaimResult;
import dev.switchboard.core.channel.IdempotencyStore;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcUtils;

/**
 * An {@link IdempotencyStore} in a table of the application's database (PostgreSQL, H2; see the schema scripts
 * next to this class), shared by every instance that uses the database and surviving restarts. Each operation is
 * one or a few single-row statements in auto-commit; the store never holds a row lock while a handler runs.
 * <p>
 * A claim is an insert that either succeeds (PostgreSQL: {@code INSERT ... ON CONFLICT DO NOTHING}; others: an
 * insert whose duplicate-key error is caught) or finds the row; a row whose expiry has passed is taken over with
 * an {@code UPDATE ... WHERE expires_at <= now}, which the database evaluates under the row's lock, so of two
 * consumers taking over the same lapsed claim exactly one updates it.
 *
 * @author Switchboard
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {

	/** The table the schema scripts create. */
	public static final String TABLE = "switchboard_idempotency";

	// A claim loses a race at most once per competing consumer; past this the row is reported held for a moment.
	private static final int MAX_ATTEMPTS = 5;

	private final JdbcTemplate jdbc;

	private final Duration retention;

	private volatile @Nullable Boolean postgres;

	/**
	 * Creates a store.
	 * @param jdbc the application's database
	 * @param retention how long a lapsed claim's row is kept after its lease expiry, so that taking it over is
	 * reported as {@link ClaimResult#reclaimed()}
	 */
	public JdbcIdempotencyStore(JdbcTemplate jdbc, Duration retention) {
		this.jdbc = jdbc;
		this.retention = retention;
	}

	@Override
	public ClaimResult claim(String scope, String messageId, String token, Instant now, Instant leaseExpiry) {
		long nowMillis = now.toEpochMilli();
		for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
			if (insert(scope, messageId, token, leaseExpiry.toEpochMilli())) {
				return ClaimResult.claimed();
			}
			List<Row> rows = this.jdbc.query(
					"SELECT claim_token, expires_at FROM " + TABLE + " WHERE scope = ? AND message_id = ?",
					(result, index) -> new Row(result.getString(1), result.getLong(2)), scope, messageId);
			if (rows.isEmpty()) {
				continue; // released or cleaned up since the insert: insert again
			}
			Row row = rows.get(0);
			if (row.expiresAt() > nowMillis) {
				return (row.token() == null) ? ClaimResult.processed()
						: ClaimResult.held(Instant.ofEpochMilli(row.expiresAt()));
			}
			int updated = this.jdbc.update("UPDATE " + TABLE
					+ " SET claim_token = ?, expires_at = ? WHERE scope = ? AND message_id = ? AND expires_at <= ?",
					token, leaseExpiry.toEpochMilli(), scope, messageId, nowMillis);
			if (updated == 1) {
				return (row.token() != null) ? ClaimResult.reclaimed() : ClaimResult.claimed();
			}
		}
		return ClaimResult.held(now);
	}

	@Override
	public void markProcessed(String scope, String messageId, Instant rememberUntil) {
		long until = rememberUntil.toEpochMilli();
		String update = "UPDATE " + TABLE + " SET claim_token = NULL, expires_at = ? WHERE scope = ? AND message_id = ?";
		if (this.jdbc.update(update, until, scope, messageId) == 0) {
			// The claim's row is gone (cleaned up after its lease lapsed long ago): record the message anyway.
			try {
				this.jdbc.update("INSERT INTO " + TABLE + " (scope, message_id, claim_token, expires_at) VALUES (?, ?, NULL, ?)",
						scope, messageId, until);
			}
			catch (DuplicateKeyException ex) {
				this.jdbc.update(update, until, scope, messageId);
			}
		}
	}

	@Override
	public void release(String scope, String messageId, String token) {
		this.jdbc.update("DELETE FROM " + TABLE + " WHERE scope = ? AND message_id = ? AND claim_token = ?", scope,
				messageId, token);
	}

	/**
	 * Deletes the rows that no longer decide anything: processed messages past their window, claims past their
	 * lease and retention, and the oldest processed messages beyond {@code maxEntries}.
	 * @param now the time
	 * @param maxEntries how many processed messages to keep at most
	 * @return how many rows were deleted
	 */
	public int cleanUp(Instant now, int maxEntries) {
		int deleted = this.jdbc.update("DELETE FROM " + TABLE
				+ " WHERE (claim_token IS NULL AND expires_at <= ?) OR (claim_token IS NOT NULL AND expires_at <= ?)",
				now.toEpochMilli(), now.minus(this.retention).toEpochMilli());
		// Standard OFFSET/FETCH, which PostgreSQL and H2 both read; the expires_at index serves it.
		deleted += this.jdbc.update("DELETE FROM " + TABLE + " WHERE claim_token IS NULL AND expires_at < (SELECT expires_at FROM "
				+ TABLE + " WHERE claim_token IS NULL ORDER BY expires_at DESC OFFSET ? ROWS FETCH NEXT 1 ROWS ONLY)",
				maxEntries - 1);
		return deleted;
	}

	@Override
	public String type() {
		return "jdbc";
	}

	private boolean insert(String scope, String messageId, String token, long expiresAt) {
		String insert = "INSERT INTO " + TABLE + " (scope, message_id, claim_token, expires_at) VALUES (?, ?, ?, ?)";
		if (isPostgres()) {
			// No error for the expected conflict: an error would also abort a surrounding transaction.
			return this.jdbc.update(insert + " ON CONFLICT DO NOTHING", scope, messageId, token, expiresAt) == 1;
		}
		try {
			return this.jdbc.update(insert, scope, messageId, token, expiresAt) == 1;
		}
		catch (DuplicateKeyException ex) {
			return false;
		}
	}

	private boolean isPostgres() {
		Boolean postgres = this.postgres;
		if (postgres == null) {
			String product = this.jdbc.execute((ConnectionCallback<String>) (connection) -> {
				DatabaseMetaData metaData = connection.getMetaData();
				return JdbcUtils.commonDatabaseName(metaData.getDatabaseProductName());
			});
			postgres = "PostgreSQL".equals(product);
			this.postgres = postgres;
		}
		return postgres;
	}

	@Override
	public String toString() {
		return "JdbcIdempotencyStore[table=" + TABLE + "]";
	}

	private record Row(@Nullable String token, long expiresAt) {

	}

}
