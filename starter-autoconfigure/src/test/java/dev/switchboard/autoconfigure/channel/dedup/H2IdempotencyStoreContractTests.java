package dev.switchboard.autoconfigure.channel.dedup;

import javax.sql.DataSource;

/**
 * The store contract on {@link JdbcIdempotencyStore} in embedded H2.
 *
 * @author Switchboard
 */
class H2IdempotencyStoreContractTests extends AbstractJdbcIdempotencyStoreContractTests {

	@Override
	DataSource dataSource() {
		return TestDatabases.h2();
	}

}
