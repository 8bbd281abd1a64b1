package dev.switchboard.autoconfigure.channel.outbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.switchboard.core.channel.Message;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The SQL of the outbox table {@code switchboard_outbox}, in the dialect PostgreSQL and H2 share. Every method
 * runs in the transaction of its caller: the writer's is the application's, the relay's its own short one.
 * <p>
 * Concurrent relays never lock the same row: a batch is selected {@code FOR UPDATE SKIP LOCKED}, so a second
 * relay passes over the rows the first one holds until it commits them as published.
 *
 * @author Switchboard
 */
public class JdbcOutboxRepository {

	/** The table name, as the schema scripts create it. */
	public static final String TABLE = "switchboard_outbox";

	private static final int MAX_ERROR_LENGTH = 1000;

	private final JdbcTemplate jdbc;

	private final NamedParameterJdbcTemplate named;

	private final JsonMapper json;

	/**
	 * Creates a repository.
	 * @param jdbc runs statements on the application's DataSource, joining the current transaction
	 * @param json writes and reads the headers column
	 */
	public JdbcOutboxRepository(JdbcTemplate jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.named = new NamedParameterJdbcTemplate(jdbc);
		this.json = json;
	}

	/**
	 * Stores a message, available to the relay at once.
	 * @param channel the channel
	 * @param destination the destination on the broker
	 * @param message the message
	 * @param now the current time
	 */
	public void insert(String channel, String destination, Message message, Instant now) {
		OffsetDateTime created = time(now);
		this.jdbc.update("INSERT INTO " + TABLE + " (message_id, channel, destination, message_key, headers, payload,"
				+ " content_type, created_at, available_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
				message.getId(), channel, destination, message.getKey(),
				OutboxHeaders.write(this.json, message.getHeaderValues()), message.getPayload(),
				message.getHeader(Message.CONTENT_TYPE_HEADER), created, created);
	}

	/**
	 * Locks the oldest pending rows that are due, skipping rows other transactions hold.
	 * @param now the current time
	 * @param limit most rows
	 * @return the locked rows in id order
	 */
	public List<OutboxRecord> lockDue(Instant now, int limit) {
		return this.jdbc.query("SELECT id, message_id, channel, destination, message_key, headers, payload, created_at,"
				+ " attempts FROM " + TABLE + " WHERE published_at IS NULL AND available_at <= ? ORDER BY id"
				+ " FETCH FIRST " + limit + " ROWS ONLY FOR UPDATE SKIP LOCKED", this::record, time(now));
	}

	/**
	 * The ids of all pending rows of some keys up to an id, whoever holds them and whether due or not.
	 * @param messageKeys the message keys
	 * @param maxId the highest id of interest
	 * @return the ids in order by {@link OutboxRecord#orderKey() order key}
	 */
	public Map<String, List<Long>> pendingIds(Collection<String> messageKeys, long maxId) {
		Map<String, List<Long>> ids = new LinkedHashMap<>();
		if (messageKeys.isEmpty()) {
			return ids;
		}
		MapSqlParameterSource parameters = new MapSqlParameterSource("keys", messageKeys).addValue("maxId", maxId);
		this.named.query("SELECT id, channel, message_key FROM " + TABLE + " WHERE published_at IS NULL"
				+ " AND message_key IN (:keys) AND id <= :maxId ORDER BY id", parameters, (rs) -> {
					ids.computeIfAbsent(OutboxRecord.orderKey(rs.getString(2), rs.getString(3)),
							(key) -> new ArrayList<>())
						.add(rs.getLong(1));
				});
		return ids;
	}

	/**
	 * Marks rows as published.
	 * @param ids the row ids
	 * @param now the current time
	 */
	public void markPublished(Collection<Long> ids, Instant now) {
		if (ids.isEmpty()) {
			return;
		}
		this.named.update("UPDATE " + TABLE + " SET published_at = :now WHERE id IN (:ids)",
				new MapSqlParameterSource("now", time(now)).addValue("ids", ids));
	}

	/**
	 * Records a failed publish of a row and when to try it again.
	 * @param id the row id
	 * @param attempts the failed attempts so far, this one included
	 * @param retryAt when the row is due again
	 * @param error what went wrong
	 */
	public void markFailed(long id, int attempts, Instant retryAt, String error) {
		String truncated = (error.length() > MAX_ERROR_LENGTH) ? error.substring(0, MAX_ERROR_LENGTH) : error;
		this.jdbc.update("UPDATE " + TABLE + " SET attempts = ?, available_at = ?, last_error = ? WHERE id = ?",
				attempts, time(retryAt), truncated, id);
	}

	/**
	 * Deletes published rows older than a cutoff, a bounded number at a time.
	 * @param cutoff rows published before it are deleted
	 * @param limit most rows per statement
	 * @return the number of deleted rows
	 */
	public int deletePublishedBefore(Instant cutoff, int limit) {
		return this.jdbc.update("DELETE FROM " + TABLE + " WHERE id IN (SELECT id FROM " + TABLE
				+ " WHERE published_at IS NOT NULL AND published_at < ? ORDER BY id FETCH FIRST " + limit
				+ " ROWS ONLY)", time(cutoff));
	}

	/**
	 * The pending rows of each channel, for gauges and the actuator endpoint.
	 * @return the backlog by channel
	 */
	public Map<String, Backlog> backlog() {
		Map<String, Backlog> backlog = new LinkedHashMap<>();
		this.jdbc.query("SELECT channel, COUNT(*), MIN(created_at) FROM " + TABLE + " WHERE published_at IS NULL"
				+ " GROUP BY channel", (rs) -> {
					backlog.put(rs.getString(1), new Backlog(rs.getLong(2), instant(rs, 3)));
				});
		return backlog;
	}

	private OutboxRecord record(ResultSet rs, int row) throws SQLException {
		Map<String, Object> headers = OutboxHeaders.read(this.json, rs.getString("headers"));
		Message.Builder message = Message.builder(rs.getBytes("payload")).id(rs.getString("message_id")).headers(headers);
		message.key(rs.getString("message_key"));
		Instant created = instant(rs, "created_at");
		return new OutboxRecord(rs.getLong("id"), rs.getString("channel"), rs.getString("destination"),
				message.build(), (created != null) ? created : Instant.EPOCH, rs.getInt("attempts"));
	}

	private static OffsetDateTime time(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
		return (time != null) ? time.toInstant() : null;
	}

	private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
		OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
		return (time != null) ? time.toInstant() : null;
	}

	/**
	 * The pending rows of one channel.
	 *
	 * @param pending how many rows wait
	 * @param oldest when the oldest of them was written, or {@code null} when none waits
	 */
	public record Backlog(long pending, @Nullable Instant oldest) {

	}

}
