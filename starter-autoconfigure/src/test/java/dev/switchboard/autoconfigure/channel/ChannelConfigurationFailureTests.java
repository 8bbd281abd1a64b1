package dev.switchboard.autoconfigure.channel;

import java.time.Instant;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.core.annotation.ChannelClient;
import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.annotation.MessageHeader;
import dev.switchboard.core.annotation.MessageKey;
import dev.switchboard.core.annotation.Publish;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.RetrySettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that wrong channel configuration and wrong annotated signatures fail startup with messages naming
 * what to fix.
 *
 * @author Switchboard
 */
class ChannelConfigurationFailureTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ChannelAutoConfiguration.class));

	@Test
	void defaultsAreValidWithoutAnyConfiguration() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			ChannelSettings settings = context.getBean(ChannelRegistry.class).getSettings("orders");
			assertThat(settings.binder()).isEqualTo(ChannelProperties.Binder.MEMORY);
			assertThat(settings.destination().name()).isEqualTo("orders");
			assertThat(settings.group()).isEqualTo("application");
			assertThat(settings.consumer().concurrency()).isEqualTo(1);
			assertThat(settings.consumer().retry().maxAttempts()).isEqualTo(3);
			assertThat(settings.consumer().retry().backoff()).hasMillis(200);
			assertThat(settings.consumer().retry().multiplier()).isEqualTo(2.0);
			assertThat(settings.consumer().retry().maxBackoff()).hasSeconds(5);
			assertThat(settings.consumer().retry().mode()).isEqualTo(RetrySettings.Mode.BLOCKING);
			assertThat(settings.consumer().deadLetter()).isNotNull();
			assertThat(settings.consumer().deadLetter().name()).isEqualTo("orders.dlq");
			assertThat(settings.requestTimeout()).hasSeconds(5);
		});
	}

	@Test
	void channelInheritsDefaultsItDoesNotSet() {
		this.contextRunner
			.withPropertyValues("switchboard.channel-defaults.retry.max-attempts=7",
					"switchboard.channel-defaults.group=billing", "switchboard.channels.orders.retry.backoff=1s",
					"switchboard.channels.orders.destination=orders.v1",
					"switchboard.channels.orders.dead-letter.enabled=false")
			.run((context) -> {
				ChannelSettings settings = context.getBean(ChannelRegistry.class).getSettings("orders");
				assertThat(settings.destination().name()).isEqualTo("orders.v1");
				assertThat(settings.group()).isEqualTo("billing");
				assertThat(settings.consumer().retry().maxAttempts()).isEqualTo(7);
				assertThat(settings.consumer().retry().backoff()).hasSeconds(1);
				assertThat(settings.consumer().deadLetter()).isNull();
			});
	}

	@Test
	void retryTopicsOnABinderOtherThanKafkaFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.channels.orders.retry.mode=topics")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessage("Invalid value 'topics' for property 'switchboard.channels.orders.retry.mode': channel "
						+ "'orders' uses the memory binder, and only the kafka binder supports retry topics: set "
						+ "'blocking' or bind the channel to kafka (allowed values: blocking)"));
	}

	@Test
	void inheritedRetryTopicsOnABinderOtherThanKafkaFailNamingTheDefault() {
		this.contextRunner
			.withPropertyValues("switchboard.channel-defaults.retry.mode=topics",
					"switchboard.channels.orders.retry.max-attempts=5")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessageStartingWith("Invalid value 'topics' for property "
						+ "'switchboard.channel-defaults.retry.mode': channel 'orders' uses the memory binder"));
	}

	@Test
	void zeroMaxAttemptsFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.channels.orders.retry.max-attempts=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessage("Invalid value '0' for property 'switchboard.channels.orders.retry.max-attempts': "
						+ "must be at least 1 (1 means no retry)"));
	}

	@Test
	void zeroDefaultMaxAttemptsFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.channel-defaults.retry.max-attempts=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'switchboard.channel-defaults.retry.max-attempts'"));
	}

	@Test
	void maxBackoffBelowBackoffFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("switchboard.channels.orders.retry.backoff=2s",
					"switchboard.channels.orders.retry.max-backoff=1s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'switchboard.channels.orders.retry.max-backoff'"));
	}

	@Test
	void nonPositiveRequestTimeoutAndConcurrencyFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.channels.orders.request-timeout=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'switchboard.channels.orders.request-timeout'"));
		this.contextRunner.withPropertyValues("switchboard.channels.orders.concurrency=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'switchboard.channels.orders.concurrency'"));
	}

	@Test
	void channelNameWithDotsIsNamedWithBrackets() {
		this.contextRunner.withPropertyValues("switchboard.channels[orders.v1].retry.multiplier=0.5")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'switchboard.channels[orders.v1].retry.multiplier'"));
	}

	@Test
	void unknownBinderFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.channels.orders.binder=carrier-pigeon")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("switchboard.channels.orders.binder")
				.hasStackTraceContaining("carrier-pigeon"));
	}

	@Test
	void kafkaBinderWithoutSpringKafkaFailsNamingTheDependency() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.kafka"))
			.withPropertyValues("switchboard.channels.orders.binder=kafka")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessageContaining("'switchboard.channels.orders.binder'")
				.hasMessageContaining("org.springframework.kafka:spring-kafka"));
	}

	@Test
	void rabbitDefaultBinderWithoutSpringAmqpFailsNamingTheDependency() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.amqp"))
			.withPropertyValues("switchboard.channel-defaults.binder=rabbit")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'switchboard.channel-defaults.binder'")
				.hasMessageContaining("org.springframework.amqp:spring-rabbit"));
	}

	@Test
	void kafkaBinderWithSpringKafkaPresentButNoBinderBeanFailsNamingTheProperty() {
		// spring-kafka is on the test classpath; without the binder's auto-configuration there is no bean.
		this.contextRunner
			.withPropertyValues("switchboard.channels.orders.binder=kafka")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidSwitchboardPropertyException.class)
				.hasMessageContaining("'switchboard.channels.orders.binder'")
				.hasMessageContaining("binder 'kafka' has no ChannelBinder bean")
				.hasMessageContaining("allowed values: memory"));
	}

	@Test
	void invalidDeduplicationWindowFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.channel-deduplication.window=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'switchboard.channel-deduplication.window'"));
	}

	@Test
	void listenerWithTwoPayloadsFailsNamingClassMethodAndParameter() {
		this.contextRunner.withBean(TwoPayloadListener.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(TwoPayloadListener.class.getName() + ".on(String, MessageContext, Integer)")
				.hasMessageContaining("parameter #3 (Integer"));
	}

	@Test
	void listenerWithNonStringKeyFailsNamingTheParameter() {
		this.contextRunner.withBean(IntegerKeyListener.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(IntegerKeyListener.class.getName() + ".on(String, Integer)")
				.hasMessageContaining("parameter #2 (Integer")
				.hasMessageContaining("must be a String"));
	}

	@Test
	void listenerWithHeaderOfUnsupportedTypeFailsNamingTheParameterAndTheAllowedTypes() {
		this.contextRunner.withBean(InstantHeaderListener.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(InstantHeaderListener.class.getName() + ".on(String, Instant)")
				.hasMessageContaining("parameter #2 (Instant")
				.hasMessageContaining("cannot receive header 'at'")
				.hasMessageContaining("Object, String, Boolean, Integer, Long, Short, Byte, Double, Float, BigDecimal,"
						+ " byte[] or a primitive of one"));
	}

	@Test
	void listenerOnMisconfiguredChannelFailsNamingTheProperty() {
		this.contextRunner.withBean(IntegerKeyListener.class)
			.withClassLoader(new FilteredClassLoader("org.springframework.kafka"))
			.withPropertyValues("switchboard.channels.orders.binder=kafka")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'switchboard.channels.orders.binder'"));
	}

	@Test
	void publishMethodWithTwoPayloadsFailsNamingInterfaceMethodAndParameter() {
		this.contextRunner.withUserConfiguration(TwoPayloadClientConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("Invalid @Publish method " + TwoPayloadClient.class.getName()
						+ ".send(String, String, Integer)")
				.hasMessageContaining("parameter #3 (Integer"));
	}

	@Test
	void clientMethodWithoutPublishFailsNamingTheMethod() {
		this.contextRunner.withUserConfiguration(UnannotatedClientConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining(UnannotatedClient.class.getName() + ".send(String)")
				.hasMessageContaining("not annotated with @Publish"));
	}

	static class TwoPayloadListener {

		@ChannelListener("orders")
		void on(String first, MessageContext context, Integer second) {
		}

	}

	static class InstantHeaderListener {

		@ChannelListener("orders")
		void on(String payload, @MessageHeader("at") Instant at) {
		}

	}

	static class IntegerKeyListener {

		@ChannelListener("orders")
		void on(String payload, @MessageKey Integer key) {
		}

	}

	@ChannelClient
	interface TwoPayloadClient {

		@Publish("orders")
		void send(@MessageKey String key, String first, Integer second);

	}

	@ChannelClient
	interface UnannotatedClient {

		void send(String payload);

	}

	@Configuration(proxyBeanMethods = false)
	@EnableChannelClients(clients = TwoPayloadClient.class)
	static class TwoPayloadClientConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableChannelClients(clients = UnannotatedClient.class)
	static class UnannotatedClientConfiguration {

		@Bean
		String unrelated() {
			return "unrelated";
		}

	}

}
