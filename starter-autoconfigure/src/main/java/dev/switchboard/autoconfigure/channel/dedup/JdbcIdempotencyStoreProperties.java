package dev.switchboard.autoconfigure.channel.dedup;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.init.DatabaseInitializationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/**
 * Settings of the JDBC idempotency store: its schema, created on request the way Spring Session JDBC and Spring
 * Batch create theirs ({@code initialize-schema: embedded|always|never}), and its cleanup. A JavaBean, because
 * Boot's {@link DatabaseInitializationProperties} is one.
 *
 * @author Switchboard
 */
@ConfigurationProperties("switchboard.channel-deduplication.jdbc")
public class JdbcIdempotencyStoreProperties extends DatabaseInitializationProperties {

	private static final String DEFAULT_SCHEMA_LOCATION = "classpath:dev/switchboard/autoconfigure/channel/dedup/schema-@@platform@@.sql";

	/**
	 * How often rows past their window (or a lapsed claim's retention) are deleted, and the table trimmed to
	 * switchboard.channel-deduplication.max-entries processed messages.
	 */
	private Duration cleanupInterval = Duration.ofMinutes(1);

	/**
	 * Creates the settings with the schema created for embedded databases only.
	 */
	public JdbcIdempotencyStoreProperties() {
		setInitializeSchema(DatabaseInitializationMode.EMBEDDED);
	}

	@Override
	public String getDefaultSchemaLocation() {
		return DEFAULT_SCHEMA_LOCATION;
	}

	/**
	 * How often old rows are deleted.
	 * @return the interval
	 */
	public Duration getCleanupInterval() {
		return this.cleanupInterval;
	}

	/**
	 * Sets how often old rows are deleted.
	 * @param cleanupInterval the interval
	 */
	public void setCleanupInterval(Duration cleanupInterval) {
		this.cleanupInterval = cleanupInterval;
	}

}
