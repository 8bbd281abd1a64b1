package dev.switchboard.autoconfigure.channel.outbox;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL database the outbox tests use on 127.0.0.1:5432, created when missing (never dropped: other
 * test classes and runs share it, and each test empties the outbox table first).
 *
 * @author Switchboard
 */
public final class OutboxTestDatabase {

	/** The database name. */
	public static final String NAME = "switchboard_outbox_test";

	/** The JDBC URL of the database. */
	public static final String URL = "jdbc:postgresql://127.0.0.1:5432/" + NAME;

	/** The user, trusted on this machine's server. */
	public static final String USER = "postgres";

	private OutboxTestDatabase() {
	}

	/**
	 * Creates the database unless it exists.
	 * @throws SQLException when the server cannot be reached
	 */
	public static synchronized void create() throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", USER, "");
				Statement statement = connection.createStatement()) {
			try (ResultSet exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + NAME + "'")) {
				if (exists.next()) {
					return;
				}
			}
			try {
				statement.execute("CREATE DATABASE " + NAME);
			}
			catch (SQLException ex) {
				// Another JVM created it meanwhile.
				if (!"42P04".equals(ex.getSQLState())) {
					throw ex;
				}
			}
		}
	}

}
