package dev.switchboard.test.fault.consumer.app;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The consumer application's own settings, given by the test on the command line.
 *
 * @param jdbcUrl where the ledger of processed messages is
 * @param table the ledger table of this test run
 * @param instance which start of the application this is (1 before the kill, 2 after)
 * @param work how long processing one message takes, so that a kill lands mid-stream
 * @param holdSeq the sequence number whose listener the first start never finishes (it waits to be killed), so
 * that the kill lands while a listener is inside its work; none when {@code null}
 */
@ConfigurationProperties("consumer-crash")
record ConsumerCrashProperties(String jdbcUrl, String table, int instance, Duration work,
		@Nullable Integer holdSeq) {

	ConsumerCrashProperties {
		// The table name is put into SQL: accept nothing but a plain identifier.
		if (!table.matches("[a-z][a-z0-9_]{0,62}")) {
			throw new IllegalArgumentException("consumer-crash.table must be a plain identifier but was '" + table + "'");
		}
	}

}
