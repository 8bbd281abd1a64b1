package dev.switchboard.test.fault.consumer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consumer on RabbitMQ with the shared JDBC idempotency store in PostgreSQL, killed with SIGKILL mid-stream.
 * What the killed process had processed and marked is skipped after the restart, although RabbitMQ redelivers
 * it; what it was processing when it died (its claims, left in the store) is processed by the restarted consumer
 * once the claims lapse. So no message is lost and at most the messages whose listener had finished but whose
 * claim was not yet marked processed (one per consumer thread at most) run twice, against up to
 * {@code concurrency x prefetch} without a shared store.
 *
 * @author Switchboard
 */
class RabbitConsumerCrashJdbcStoreTests extends RabbitConsumerCrashTests {

	private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(3);

	private static final Pattern RECLAIMED = Pattern.compile("Reclaimed message \\S+ on ");

	private int claimsLeftByKill = -1;

	@Override
	protected List<String> consumerProperties() {
		return List.of("switchboard.channel-deduplication.store=jdbc",
				"switchboard.channel-deduplication.claim-timeout=" + CLAIM_TIMEOUT.toSeconds() + "s",
				"switchboard.channel-deduplication.jdbc.initialize-schema=always",
				"spring.datasource.url=" + ProcessedLedger.JDBC_URL);
	}

	@Override
	protected Duration work() {
		// Long against the store's round trips: each consumer thread is almost always inside its listener, holding
		// a claim, when the kill lands.
		return Duration.ofMillis(20);
	}

	@Override
	protected void afterKill(String destination, String group) throws SQLException {
		this.claimsLeftByKill = count(
				"SELECT count(*) FROM switchboard_idempotency WHERE scope = ? AND claim_token IS NOT NULL",
				scope(destination, group));
		// The fault reached the store: the dead process left claims of the messages it was processing.
		assertThat(this.claimsLeftByKill).as("claims the killed consumer left").isBetween(1, CONCURRENCY);
		assertThat(count("SELECT count(*) FROM switchboard_idempotency WHERE scope = ? AND claim_token IS NULL",
				scope(destination, group)))
			.as("messages the killed consumer marked processed")
			.isPositive();
	}

	@Override
	protected void assertDuplicates(Map<String, List<Integer>> duplicates) {
		// Only a message whose listener returned in the killed process while its claim was not yet marked.
		assertThat(duplicates.values()).allSatisfy((instances) -> assertThat(instances).containsExactly(1, 2));
		assertThat(duplicates).as("messages processed twice").hasSizeLessThanOrEqualTo(this.claimsLeftByKill);
	}

	@Override
	protected void assertRestartedConsumerLog(String log) {
		// Each claim the dead process left was taken over once it lapsed, and its message processed.
		Matcher matcher = RECLAIMED.matcher(log);
		int reclaimed = 0;
		while (matcher.find()) {
			reclaimed++;
		}
		assertThat(reclaimed).as("lapsed claims taken over by the restarted consumer").isEqualTo(this.claimsLeftByKill);
	}

	@AfterEach
	void deleteStoreRows() throws SQLException {
		try (Connection connection = DriverManager.getConnection(ProcessedLedger.JDBC_URL);
				PreparedStatement delete = connection
					.prepareStatement("DELETE FROM switchboard_idempotency WHERE scope = ?")) {
			delete.setString(1, scope(destination(), group()));
			delete.executeUpdate();
		}
		catch (SQLException ex) {
			if (!"42P01".equals(ex.getSQLState())) { // no table: the consumer never started
				throw ex;
			}
		}
	}

	private static String scope(String destination, String group) {
		return destination + "/" + group;
	}

	private static int count(String sql, String scope) throws SQLException {
		try (Connection connection = DriverManager.getConnection(ProcessedLedger.JDBC_URL);
				PreparedStatement query = connection.prepareStatement(sql)) {
			query.setString(1, scope);
			try (ResultSet result = query.executeQuery()) {
				result.next();
				return result.getInt(1);
			}
		}
	}

}
