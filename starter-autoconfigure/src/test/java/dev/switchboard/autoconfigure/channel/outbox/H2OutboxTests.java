package dev.switchboard.autoconfigure.channel.outbox;

/**
 * The outbox on an embedded H2 database, whose schema is created by default ({@code initialize-schema:
 * embedded}).
 *
 * @author Switchboard
 */
class H2OutboxTests extends AbstractOutboxTests {

	@Override
	String[] databaseProperties() {
		return new String[] { "spring.datasource.url=jdbc:h2:mem:outbox-tests;DB_CLOSE_DELAY=-1",
				"spring.datasource.username=sa" };
	}

}
