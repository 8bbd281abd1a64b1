package dev.switchboard.autoconfigure.channel.outbox;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.init.PlatformPlaceholderDatabaseDriverResolver;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;

/**
 * Creates the outbox table from the schema script of the DataSource's database, as Spring Batch and Spring
 * Session create theirs: Boot runs it before the beans that depend on database initialization, and only in the
 * {@link DatabaseInitializationMode} chosen by {@code switchboard.outbox.initialize-schema}.
 *
 * @author Switchboard
 */
public class OutboxSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	/** The script locations, with {@code @@platform@@} standing for {@code postgresql} or {@code h2}. */
	public static final String SCHEMA_LOCATION = "classpath:dev/switchboard/autoconfigure/channel/outbox/"
			+ "schema-@@platform@@.sql";

	/**
	 * Creates an initializer.
	 * @param dataSource the application's DataSource
	 * @param mode when to create the table
	 */
	public OutboxSchemaInitializer(DataSource dataSource, DatabaseInitializationMode mode) {
		super(dataSource, settings(dataSource, mode));
	}

	private static DatabaseInitializationSettings settings(DataSource dataSource, DatabaseInitializationMode mode) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setMode(mode);
		if (mode != DatabaseInitializationMode.NEVER) {
			List<String> locations = new PlatformPlaceholderDatabaseDriverResolver().resolveAll(dataSource,
					SCHEMA_LOCATION);
			settings.setSchemaLocations(locations);
		}
		return settings;
	}

}
