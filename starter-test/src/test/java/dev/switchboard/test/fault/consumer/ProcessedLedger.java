package dev.switchboard.test.fault.consumer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The test's side of the consumer's ledger in PostgreSQL: creates the tables of one run, reads what the consumer
 * processed, drops the tables.
 */
final class ProcessedLedger implements AutoCloseable {

	/** PostgreSQL of the machine: trust authentication, database {@code test}. */
	static final String JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

	private final String table;

	private final Connection connection;

	private ProcessedLedger(String table, Connection connection) {
		this.table = table;
		this.connection = connection;
	}

	/**
	 * Creates the tables of a run.
	 * @param table the table name, unique to the run
	 * @return the ledger
	 * @throws SQLException if PostgreSQL cannot be reached
	 */
	static ProcessedLedger create(String table) throws SQLException {
		Connection connection = DriverManager.getConnection(JDBC_URL);
		try (Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE " + table + " (message_id varchar(64) NOT NULL, seq int NOT NULL, "
					+ "instance int NOT NULL, attempt int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
			statement.execute("CREATE TABLE " + table + "_starts (instance int NOT NULL, pid bigint NOT NULL, "
					+ "at timestamptz NOT NULL DEFAULT clock_timestamp())");
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
		return new ProcessedLedger(table, connection);
	}

	String table() {
		return this.table;
	}

	/**
	 * The process id an instance recorded once its listeners were subscribed.
	 * @param instance the instance
	 * @return the pid, or -1 while the instance has not started
	 */
	long startedPid(int instance) throws SQLException {
		try (PreparedStatement query = this.connection
			.prepareStatement("SELECT pid FROM " + this.table + "_starts WHERE instance = ?")) {
			query.setInt(1, instance);
			try (ResultSet result = query.executeQuery()) {
				return result.next() ? result.getLong(1) : -1;
			}
		}
	}

	/** Distinct messages processed by any instance. */
	int processed() throws SQLException {
		return count("SELECT count(DISTINCT message_id) FROM " + this.table);
	}

	/** Distinct messages processed by one instance. */
	int processedBy(int instance) throws SQLException {
		return count("SELECT count(DISTINCT message_id) FROM " + this.table + " WHERE instance = " + instance);
	}

	/** Every processing, duplicates included. */
	int processings() throws SQLException {
		return count("SELECT count(*) FROM " + this.table);
	}

	/** Distinct sequence numbers processed. */
	int distinctSeqs() throws SQLException {
		return count("SELECT count(DISTINCT seq) FROM " + this.table);
	}

	/**
	 * The sequence numbers below {@code messages} that no instance processed.
	 * @param messages how many messages were published
	 * @return the missing sequence numbers, at most 20
	 */
	List<Integer> missingSeqs(int messages) throws SQLException {
		List<Integer> missing = new ArrayList<>();
		try (Statement statement = this.connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT s FROM generate_series(0, " + (messages - 1)
						+ ") s WHERE NOT EXISTS (SELECT 1 FROM " + this.table + " WHERE seq = s) ORDER BY s LIMIT 20")) {
			while (result.next()) {
				missing.add(result.getInt(1));
			}
		}
		return missing;
	}

	/**
	 * The messages processed more than once, with the instances that processed them, in order.
	 * @return message id to instances, e.g. {@code [1, 2]}
	 */
	Map<String, List<Integer>> duplicates() throws SQLException {
		Map<String, List<Integer>> duplicates = new LinkedHashMap<>();
		try (Statement statement = this.connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT message_id, instance FROM " + this.table
						+ " WHERE message_id IN (SELECT message_id FROM " + this.table
						+ " GROUP BY message_id HAVING count(*) > 1) ORDER BY message_id, at")) {
			while (result.next()) {
				duplicates.computeIfAbsent(result.getString(1), (id) -> new ArrayList<>()).add(result.getInt(2));
			}
		}
		return duplicates;
	}

	private int count(String sql) throws SQLException {
		try (Statement statement = this.connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getInt(1);
		}
	}

	@Override
	public void close() throws SQLException {
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("DROP TABLE IF EXISTS " + this.table);
			statement.execute("DROP TABLE IF EXISTS " + this.table + "_starts");
		}
		finally {
			this.connection.close();
		}
	}

}
