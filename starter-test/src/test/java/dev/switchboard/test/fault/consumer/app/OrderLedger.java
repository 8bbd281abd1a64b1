package dev.switchboard.test.fault.consumer.app;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Records each processed message in PostgreSQL, committed before the listener returns and so before the broker
 * is acknowledged: what the ledger holds was processed, whatever happens to this process afterwards. One row per
 * processing (not per message), so that the test sees duplicates.
 */
@Component
class OrderLedger {

	private final ConsumerCrashProperties properties;

	// One connection per listener thread: they die with the process, which is the point.
	private final ThreadLocal<Connection> connections = new ThreadLocal<>();

	OrderLedger(ConsumerCrashProperties properties) {
		this.properties = properties;
	}

	/**
	 * Records a processed message, committed when this returns.
	 * @param messageId the message id
	 * @param seq the message's sequence number
	 * @param deliveryAttempt the broker's delivery attempt
	 * @throws SQLException if the ledger cannot be written: then the message is not acknowledged
	 */
	void processed(String messageId, int seq, int deliveryAttempt) throws SQLException {
		String sql = "INSERT INTO " + this.properties.table()
				+ " (message_id, seq, instance, attempt) VALUES (?, ?, ?, ?)";
		try (PreparedStatement insert = connection().prepareStatement(sql)) {
			insert.setString(1, messageId);
			insert.setInt(2, seq);
			insert.setInt(3, this.properties.instance());
			insert.setInt(4, deliveryAttempt);
			insert.executeUpdate();
		}
	}

	/**
	 * Tells the test that this instance is up and its listeners subscribed.
	 * @throws SQLException if the ledger cannot be written
	 */
	@EventListener(ApplicationReadyEvent.class)
	void started() throws SQLException {
		String sql = "INSERT INTO " + this.properties.table() + "_starts (instance, pid) VALUES (?, ?)";
		try (PreparedStatement insert = connection().prepareStatement(sql)) {
			insert.setInt(1, this.properties.instance());
			insert.setLong(2, ProcessHandle.current().pid());
			insert.executeUpdate();
		}
	}

	private Connection connection() throws SQLException {
		Connection connection = this.connections.get();
		if (connection == null || connection.isClosed()) {
			// Auto-commit: each insert is durable in PostgreSQL when executeUpdate returns.
			connection = DriverManager.getConnection(this.properties.jdbcUrl());
			this.connections.set(connection);
		}
		return connection;
	}

}
