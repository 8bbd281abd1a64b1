package dev.switchboard.test;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes Awaitility look at a condition every 10 ms, and first after 10 ms, in every test class of this module
 * (registered through {@code META-INF/services}, switched on in {@code junit-platform.properties}). Awaitility's
 * default of 100 ms, used as the first delay too, added up to a tenth of a second to every wait, even for a
 * condition that held already. What a test waits for, and how long at most, stays its own; a test that sets its own
 * poll interval keeps it.
 */
public final class AwaitilityPolling implements BeforeAllCallback {

	static final Duration POLL_INTERVAL = Duration.ofMillis(10);

	@Override
	public void beforeAll(ExtensionContext context) {
		// Before each class: a test class may reset Awaitility's defaults when it ends.
		Awaitility.setDefaultPollInterval(POLL_INTERVAL);
	}

}
