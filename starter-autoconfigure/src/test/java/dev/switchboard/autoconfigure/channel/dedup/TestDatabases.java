package dev.switchboard.autoconfigure.channel.dedup;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * The databases of the store tests: PostgreSQL on 127.0.0.1:5432 (trust authentication) in a database of its own,
 * created when missing, and embedded H2; both with the store's schema applied from the shipped scripts.
 */
final class TestDatabases {

	static final String POSTGRES_DATABASE = "switchboard_dedup";

	static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/" + POSTGRES_DATABASE;

	private TestDatabases() {
	}

	static DataSource postgres() throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres",
				"postgres", "");
				Statement statement = connection.createStatement()) {
			if (!statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + POSTGRES_DATABASE + "'")
				.next()) {
				try {
					statement.execute("CREATE DATABASE " + POSTGRES_DATABASE);
				}
				catch (SQLException ex) {
					// 42P04: another test JVM created it meanwhile.
					if (!"42P04".equals(ex.getSQLState())) {
						throw ex;
					}
				}
			}
		}
		DriverManagerDataSource dataSource = new DriverManagerDataSource(POSTGRES_URL, "postgres", "");
		applySchema(dataSource, "postgresql");
		return dataSource;
	}

	static DataSource h2() {
		SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.h2.Driver(),
				"jdbc:h2:mem:dedup-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
		applySchema(dataSource, "h2");
		return dataSource;
	}

	private static void applySchema(DataSource dataSource, String platform) {
		new ResourceDatabasePopulator(
				new ClassPathResource("dev/switchboard/autoconfigure/channel/dedup/schema-" + platform + ".sql"))
			.execute(dataSource);
	}

}
