package dev.switchboard.autoconfigure.channel.outbox;

import dev.switchboard.autoconfigure.channel.ChannelAutoConfiguration;
import dev.switchboard.autoconfigure.channel.ChannelPublisher;
import dev.switchboard.autoconfigure.channel.MessageOutbox;
import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OutboxAutoConfiguration}: when the outbox is there, and what fails startup.
 *
 * @author Switchboard
 */
class OutboxConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withPropertyValues("spring.application.name=outbox-configuration-tests")
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ChannelAutoConfiguration.class,
				OutboxAutoConfiguration.class));

	private final ApplicationContextRunner withDataSource = this.contextRunner
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:outbox-configuration;DB_CLOSE_DELAY=-1");

	@Test
	void noOutboxWhenNoChannelEnablesIt() {
		this.withDataSource.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(MessageOutbox.class);
			assertThat(context).doesNotHaveBean(OutboxScheduler.class);
			assertThat(context).hasSingleBean(ChannelPublisher.class);
		});
	}

	@Test
	void channelDefaultsEnableTheOutboxForEveryChannel() {
		this.withDataSource.withPropertyValues("switchboard.channel-defaults.outbox.enabled=true",
				"switchboard.channels.audit.outbox.enabled=false")
			.run((context) -> {
				MessageOutbox outbox = context.getBean(MessageOutbox.class);
				assertThat(outbox.isEnabled("orders")).isTrue();
				assertThat(outbox.isEnabled("audit")).isFalse();
			});
	}

	@Test
	void enabledOutboxWithoutDataSourceFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.channels.orders.outbox.enabled=true").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessageContaining("switchboard.channels.orders.outbox.enabled")
				.hasMessageContaining("DataSource");
		});
	}

	@Test
	void invalidRelaySettingFailsNamingTheProperty() {
		this.withDataSource
			.withPropertyValues("switchboard.channels.orders.outbox.enabled=true",
					"switchboard.outbox.relay.batch-size=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidSwitchboardPropertyException.class)
					.hasMessageContaining("switchboard.outbox.relay.batch-size");
			});
	}

}
