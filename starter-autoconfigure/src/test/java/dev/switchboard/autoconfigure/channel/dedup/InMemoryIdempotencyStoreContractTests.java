package dev.switchboard.autoconfigure.channel.dedup;

import dev.switchboard.core.channel.IdempotencyStore;
import dev.switchboard.core.channel.InMemoryIdempotencyStore;

/**
 * The store contract on {@link InMemoryIdempotencyStore}.
 *
 * @author Switchboard
 */
class InMemoryIdempotencyStoreContractTests extends AbstractIdempotencyStoreContractTests {

	@Override
	IdempotencyStore createStore() {
		return new InMemoryIdempotencyStore(10_000, RETENTION);
	}

}
