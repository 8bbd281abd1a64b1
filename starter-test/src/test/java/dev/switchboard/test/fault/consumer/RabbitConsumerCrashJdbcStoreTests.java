package dev.switchboard.test.fault.consumer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The consumer crash with the shared JDBC store in PostgreSQL (the ledger's database, table created by the
 * store's schema initializer).
 *
 * @author Switchboard
 */
class RabbitConsumerCrashJdbcStoreTests extends AbstractRabbitConsumerCrashSharedStoreTests {

	@Override
	protected List<String> storeProperties() {
		return List.of("switchboard.channel-deduplication.store=jdbc",
				"switchboard.channel-deduplication.jdbc.initialize-schema=always",
				"spring.datasource.url=" + ProcessedLedger.JDBC_URL);
	}

	@Override
	protected int countRecords(String scope, boolean claims) throws SQLException {
		String sql = "SELECT count(*) FROM switchboard_idempotency WHERE scope = ? AND claim_token IS "
				+ (claims ? "NOT NULL" : "NULL");
		try (Connection connection = DriverManager.getConnection(ProcessedLedger.JDBC_URL);
				PreparedStatement query = connection.prepareStatement(sql)) {
			query.setString(1, scope);
			try (ResultSet result = query.executeQuery()) {
				result.next();
				return result.getInt(1);
			}
		}
	}

	@Override
	protected void deleteRecords(String scope) throws SQLException {
		try (Connection connection = DriverManager.getConnection(ProcessedLedger.JDBC_URL);
				PreparedStatement delete = connection
					.prepareStatement("DELETE FROM switchboard_idempotency WHERE scope = ?")) {
			delete.setString(1, scope);
			delete.executeUpdate();
		}
		catch (SQLException ex) {
			if (!"42P01".equals(ex.getSQLState())) { // no table: the consumer never started
				throw ex;
			}
		}
	}

}
