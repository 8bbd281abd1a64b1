package dev.switchboard.test;

import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Clears the {@link TestChannels} records after each test method, so that tests sharing a cached application
 * context do not see each other's messages.
 *
 * @author Switchboard
 */
final class TestChannelsResetTestExecutionListener extends AbstractTestExecutionListener {

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 100;
	}

	@Override
	public void afterTestMethod(TestContext testContext) {
		if (testContext.hasApplicationContext()) {
			testContext.getApplicationContext().getBeanProvider(TestChannels.class).ifAvailable(TestChannels::clear);
		}
	}

}
