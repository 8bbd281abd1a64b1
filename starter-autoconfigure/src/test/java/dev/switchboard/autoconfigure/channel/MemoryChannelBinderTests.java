package dev.switchboard.autoconfigure.channel;

/**
 * The channel scenarios on the in-memory binder: the reference the broker binders must match.
 *
 * @author Switchboard
 */
class MemoryChannelBinderTests extends AbstractChannelBinderTests {

	@Override
	protected String binder() {
		return "memory";
	}

	@Override
	protected int orderedConcurrency() {
		return 3;
	}

}
