package dev.switchboard.autoconfigure.channel.outbox;

import org.junit.jupiter.api.BeforeAll;

/**
 * The outbox on the PostgreSQL server on 127.0.0.1:5432, in a database of its own.
 *
 * @author Switchboard
 */
class PostgresOutboxTests extends AbstractOutboxTests {

	@BeforeAll
	static void createDatabase() throws Exception {
		OutboxTestDatabase.create();
	}

	@Override
	String[] databaseProperties() {
		return new String[] { "spring.datasource.url=" + OutboxTestDatabase.URL,
				"spring.datasource.username=" + OutboxTestDatabase.USER, "switchboard.outbox.initialize-schema=always" };
	}

}
