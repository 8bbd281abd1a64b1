package dev.switchboard.autoconfigure.channel.dedup;

import java.util.List;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two consumer instances sharing the JDBC store in PostgreSQL (127.0.0.1:5432), its schema created by the store's
 * initializer.
 *
 * @author Switchboard
 */
class JdbcSharedStoreDeliveryTests extends AbstractSharedStoreDeliveryTests {

	@Override
	List<String> storeProperties(String run) {
		try {
			TestDatabases.postgres(); // creates the database when missing
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return List.of("switchboard.channel-deduplication.store=jdbc",
				"switchboard.channel-deduplication.jdbc.initialize-schema=always",
				"spring.datasource.url=" + TestDatabases.POSTGRES_URL, "spring.datasource.username=postgres");
	}

	@Override
	void cleanUpStore(ConfigurableApplicationContext context, String run) {
		JdbcTemplate jdbc = context.getBeanProvider(JdbcTemplate.class).getIfAvailable();
		if (jdbc != null && usesStore(context, "jdbc")) {
			jdbc.update("DELETE FROM " + JdbcIdempotencyStore.TABLE + " WHERE message_id LIKE ?", run + "-%");
		}
	}

}
