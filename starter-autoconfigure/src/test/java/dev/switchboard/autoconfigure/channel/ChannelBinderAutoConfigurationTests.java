package dev.switchboard.autoconfigure.channel;

import dev.switchboard.autoconfigure.channel.kafka.KafkaChannelBinder;
import dev.switchboard.autoconfigure.channel.kafka.KafkaChannelBinderAutoConfiguration;
import dev.switchboard.autoconfigure.channel.kafka.KafkaChannelBinderHealthIndicator;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinderAutoConfiguration;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinderHealthIndicator;
import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the binder auto-configurations, without brokers: nothing connects before a channel uses a binder.
 *
 * @author Switchboard
 */
class ChannelBinderAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, KafkaAutoConfiguration.class,
				RabbitAutoConfiguration.class, KafkaChannelBinderAutoConfiguration.class,
				RabbitChannelBinderAutoConfiguration.class, ChannelAutoConfiguration.class));

	@Test
	void channelsSelectTheBrokerBindersByName() {
		this.contextRunner
			.withPropertyValues("switchboard.channels.orders.binder=kafka", "switchboard.channels.audit.binder=rabbit")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ChannelRegistry registry = context.getBean(ChannelRegistry.class);
				assertThat(registry.getBinder(registry.getSettings("orders")))
					.isSameAs(context.getBean(KafkaChannelBinder.class));
				assertThat(registry.getBinder(registry.getSettings("audit")))
					.isSameAs(context.getBean(RabbitChannelBinder.class));
			});
	}

	@Test
	void healthIsUnknownWhileNoChannelUsesTheBinder() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(KafkaChannelBinderHealthIndicator.class).health().getStatus())
				.isEqualTo(Status.UNKNOWN);
			assertThat(context.getBean(RabbitChannelBinderHealthIndicator.class).health().getStatus())
				.isEqualTo(Status.UNKNOWN);
		});
	}

	@Test
	void binderSettingsComeFromTheirProperties() {
		this.contextRunner
			.withPropertyValues("switchboard.channel-binders.rabbit.queue-type=quorum")
			.run((context) -> {
				RabbitChannelBinder.Settings settings = context.getBean(RabbitChannelBinder.class).getSettings();
				assertThat(settings.queue("any").type()).isEqualTo(RabbitChannelBinder.QueueType.QUORUM);
				assertThat(settings.publishAttempts()).isEqualTo(5);
			});
	}

	@Test
	void channelQueueSettingsOverrideTheBinderWideOnes() {
		this.contextRunner
			.withPropertyValues("switchboard.channel-binders.rabbit.channels.orders.queue-type=quorum",
					"switchboard.channel-binders.rabbit.channels.orders.delivery-limit=5")
			.run((context) -> {
				RabbitChannelBinder.Settings settings = context.getBean(RabbitChannelBinder.class).getSettings();
				assertThat(settings.queue("orders"))
					.isEqualTo(new RabbitChannelBinder.QueueSettings(RabbitChannelBinder.QueueType.QUORUM, 5));
				assertThat(settings.queue("audit"))
					.isEqualTo(new RabbitChannelBinder.QueueSettings(RabbitChannelBinder.QueueType.CLASSIC, null));
			});
	}

	@Test
	void deliveryLimitOnClassicQueuesFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.channel-binders.rabbit.channels.orders.delivery-limit=5")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessageContaining("'switchboard.channel-binders.rabbit.channels.orders.delivery-limit'")
				.hasMessageContaining("quorum"));
	}

	@Test
	void zeroPartitionsFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.channel-binders.kafka.partitions=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessageContaining("'switchboard.channel-binders.kafka.partitions'"));
	}

	@Test
	void zeroPublishAttemptsFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.channel-binders.rabbit.publish-attempts=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessageContaining("'switchboard.channel-binders.rabbit.publish-attempts'"));
	}

	@Test
	void zeroMaxPendingFailsNamingThePropertyOfEachBinder() {
		this.contextRunner.withPropertyValues("switchboard.channel-binders.rabbit.max-pending=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessageContaining("'switchboard.channel-binders.rabbit.max-pending'"));
		this.contextRunner.withPropertyValues("switchboard.channel-binders.kafka.max-pending=-1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessageContaining("'switchboard.channel-binders.kafka.max-pending'")
				.hasMessageContaining("'-1'"));
	}

	@Test
	void negativePublishBackoffFailsShowingTheValueAsWritten() {
		this.contextRunner.withPropertyValues("switchboard.channel-binders.rabbit.publish-backoff=-2s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessageContaining("'-2s'")
				.hasMessageContaining("'switchboard.channel-binders.rabbit.publish-backoff'"));
	}

	@Test
	void withoutSpringRabbitThereIsNoRabbitBinder() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.amqp"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RabbitChannelBinder.class);
				assertThat(context).hasSingleBean(KafkaChannelBinder.class);
			});
	}

}
