package dev.switchboard.autoconfigure.channel.dedup;

import javax.sql.DataSource;

/**
 * The store contract on {@link JdbcIdempotencyStore} in PostgreSQL on 127.0.0.1:5432.
 *
 * @author Switchboard
 */
class PostgresIdempotencyStoreContractTests extends AbstractJdbcIdempotencyStoreContractTests {

	@Override
	DataSource dataSource() throws Exception {
		return TestDatabases.postgres();
	}

}
