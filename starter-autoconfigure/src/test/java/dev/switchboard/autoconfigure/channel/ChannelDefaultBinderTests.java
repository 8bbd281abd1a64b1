package dev.switchboard.autoconfigure.channel;

import dev.switchboard.autoconfigure.channel.kafka.KafkaChannelBinderAutoConfiguration;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinderAutoConfiguration;
import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.core.annotation.ChannelListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of which binder a channel without one of its own uses: never the in-memory binder silently while a
 * broker is there, and of the consumer group that broker listeners need. No broker is contacted: binders
 * connect only when a channel is used.
 *
 * @author Switchboard
 */
@ExtendWith(OutputCaptureExtension.class)
class ChannelDefaultBinderTests {

	private static final String KAFKA_CLIENT = "org.springframework.kafka";

	private static final String RABBIT_CLIENT = "org.springframework.amqp";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, KafkaAutoConfiguration.class,
				RabbitAutoConfiguration.class, KafkaChannelBinderAutoConfiguration.class,
				RabbitChannelBinderAutoConfiguration.class, ChannelAutoConfiguration.class));

	@Test
	void withOnlyRabbitPresentChannelsUseRabbit(CapturedOutput output) {
		this.contextRunner.withClassLoader(new FilteredClassLoader(KAFKA_CLIENT))
			.withPropertyValues("spring.rabbitmq.host=127.0.0.1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(binderOf(context.getBean(ChannelRegistry.class), "orders"))
					.isEqualTo(ChannelProperties.Binder.RABBIT);
				assertThat(output).contains("Channels without a binder of their own use 'rabbit', the only broker "
						+ "binder present (set switchboard.channel-defaults.binder to choose another)");
			});
	}

	@Test
	void withOnlyKafkaPresentChannelsUseKafka() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RABBIT_CLIENT))
			.run((context) -> assertThat(binderOf(context.getBean(ChannelRegistry.class), "orders"))
				.isEqualTo(ChannelProperties.Binder.KAFKA));
	}

	@Test
	void withNoBrokerPresentChannelsUseMemory() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(KAFKA_CLIENT, RABBIT_CLIENT))
			.run((context) -> assertThat(binderOf(context.getBean(ChannelRegistry.class), "orders"))
				.isEqualTo(ChannelProperties.Binder.MEMORY));
	}

	@Test
	void withBothBrokersPresentAndNoDefaultAChannelWithoutBinderFailsStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.channels.orders.destination=orders.v1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessage("Invalid configuration of property 'switchboard.channel-defaults.binder': both the kafka "
						+ "and the rabbit binder are present, so channel 'orders', which sets no binder, needs a "
						+ "default (allowed values: memory, kafka, rabbit)");
		});
	}

	@Test
	void withBothBrokersPresentAListenerOnAChannelWithoutBinderFailsStartup() {
		this.contextRunner.withUserConfiguration(OrdersListenerConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessageContaining("property 'switchboard.channel-defaults.binder'"));
	}

	@Test
	void withBothBrokersPresentAnApplicationWithoutChannelsStarts() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void withBothBrokersPresentAnExplicitDefaultWins() {
		this.contextRunner.withPropertyValues("switchboard.channel-defaults.binder=memory")
			.run((context) -> assertThat(binderOf(context.getBean(ChannelRegistry.class), "orders"))
				.isEqualTo(ChannelProperties.Binder.MEMORY));
	}

	@Test
	void explicitChannelBinderIsKeptWhateverTheDefault() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(KAFKA_CLIENT))
			.withPropertyValues("switchboard.channels.audit.binder=memory")
			.run((context) -> {
				ChannelRegistry registry = context.getBean(ChannelRegistry.class);
				assertThat(binderOf(registry, "audit")).isEqualTo(ChannelProperties.Binder.MEMORY);
				assertThat(binderOf(registry, "orders")).isEqualTo(ChannelProperties.Binder.RABBIT);
			});
	}

	@Test
	void brokerListenerWithoutAnyGroupSourceFailsNamingBothProperties() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(KAFKA_CLIENT))
			.withUserConfiguration(OrdersListenerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context).getFailure()
					.isInstanceOf(InvalidSwitchboardPropertyException.class)
					.hasMessageContaining("property 'switchboard.channels.orders.group'")
					.hasMessageContaining("on rabbit channel 'orders' has no consumer group: neither "
							+ "spring.application.name nor switchboard.channels.orders.group "
							+ "(or switchboard.channel-defaults.group) is set");
			});
	}

	@Test
	void brokerListenerPassesWithTheApplicationNameOrItsOwnGroup() {
		// Checked on the registry: a started listener would subscribe on the broker.
		this.contextRunner.withClassLoader(new FilteredClassLoader(KAFKA_CLIENT))
			.withPropertyValues("spring.application.name=billing")
			.run((context) -> {
				ChannelRegistry registry = context.getBean(ChannelRegistry.class);
				assertThat(registry.hasGroupSource("orders")).isTrue();
				registry.requireGroupSource(registry.getSettings("orders"), null, "listener");
			});
		this.contextRunner.withClassLoader(new FilteredClassLoader(KAFKA_CLIENT)).run((context) -> {
			ChannelRegistry registry = context.getBean(ChannelRegistry.class);
			assertThat(registry.hasGroupSource("orders")).isFalse();
			registry.requireGroupSource(registry.getSettings("orders"), "annotated-group", "listener");
		});
	}

	@Test
	void groupOfTheChannelOrTheDefaultsIsAGroupSource() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(KAFKA_CLIENT))
			.withPropertyValues("switchboard.channels.orders.group=billing")
			.run((context) -> {
				ChannelRegistry registry = context.getBean(ChannelRegistry.class);
				assertThat(registry.hasGroupSource("orders")).isTrue();
				assertThat(registry.hasGroupSource("audit")).isFalse();
			});
		this.contextRunner.withClassLoader(new FilteredClassLoader(KAFKA_CLIENT))
			.withPropertyValues("switchboard.channel-defaults.group=billing")
			.run((context) -> assertThat(context.getBean(ChannelRegistry.class).hasGroupSource("audit")).isTrue());
	}

	@Test
	void memoryListenerKeepsTheSharedDefaultGroup() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(KAFKA_CLIENT, RABBIT_CLIENT))
			.withUserConfiguration(OrdersListenerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ChannelRegistry.class).getSettings("orders").group())
					.isEqualTo("application");
			});
	}

	private static ChannelProperties.Binder binderOf(ChannelRegistry registry, String channel) {
		return registry.getSettings(channel).binder();
	}

	@Configuration(proxyBeanMethods = false)
	static class OrdersListenerConfiguration {

		@Bean
		OrdersListener ordersListener() {
			return new OrdersListener();
		}

	}

	static class OrdersListener {

		@ChannelListener("orders")
		void on(String order) {
		}

	}

}
