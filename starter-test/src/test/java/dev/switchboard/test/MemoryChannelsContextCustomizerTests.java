package dev.switchboard.test;

import org.junit.jupiter.api.Test;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.mock.env.MockPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that {@code @AutoConfigureSwitchboardTest} keeps every channel in memory, also a channel that names no
 * binder while a broker client is on the application's class path (which would otherwise pick that broker).
 *
 * @author Switchboard
 */
class MemoryChannelsContextCustomizerTests {

	@Test
	void defaultBinderAndEveryConfiguredBinderAreOverriddenWithMemory() {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MockPropertySource().withProperty("switchboard.channels.orders.binder", "kafka")
					.withProperty("switchboard.channels[audit.v1].binder", "rabbit")
					.withProperty("switchboard.channel-defaults.binder", "rabbit"));
			new MemoryChannelsContextCustomizerFactory.MemoryChannelsContextCustomizer().customizeContext(context,
					null);
			assertThat(context.getEnvironment().getProperty("switchboard.channel-defaults.binder")).isEqualTo("memory");
			assertThat(context.getEnvironment().getProperty("switchboard.channels.orders.binder")).isEqualTo("memory");
			assertThat(context.getEnvironment().getProperty("switchboard.channels[audit.v1].binder"))
				.isEqualTo("memory");
		}
	}

	@Test
	void defaultBinderIsMemoryWhenNothingIsConfigured() {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			new MemoryChannelsContextCustomizerFactory.MemoryChannelsContextCustomizer().customizeContext(context,
					null);
			assertThat(context.getEnvironment().getProperty("switchboard.channel-defaults.binder")).isEqualTo("memory");
		}
	}

}
