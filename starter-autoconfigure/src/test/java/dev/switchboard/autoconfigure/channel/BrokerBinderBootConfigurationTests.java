package dev.switchboard.autoconfigure.channel;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.switchboard.autoconfigure.channel.kafka.KafkaChannelBinder;
import dev.switchboard.autoconfigure.channel.kafka.KafkaChannelBinderAutoConfiguration;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinderAutoConfiguration;
import dev.switchboard.core.channel.ChannelBinder;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.RetrySettings;
import dev.switchboard.core.channel.Subscription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.config.ContainerCustomizer;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.amqp.autoconfigure.RabbitTemplateCustomizer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.test.condition.EmbeddedKafkaCondition;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the broker binders are built like the application's own listeners and templates: Spring Boot's
 * {@code spring.rabbitmq.listener.*} / {@code spring.rabbitmq.template.*} settings and the application's
 * customizer beans apply, and so do {@code spring.kafka.listener.*} and Kafka's factory customizers, against the
 * RabbitMQ broker on 127.0.0.1:5672 and an embedded Kafka broker.
 *
 * @author Switchboard
 */
@EmbeddedKafka(brokerProperties = "group.initial.rebalance.delay.ms=0")
class BrokerBinderBootConfigurationTests {

	private final ApplicationContextRunner kafkaRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, KafkaAutoConfiguration.class,
				KafkaChannelBinderAutoConfiguration.class, ChannelAutoConfiguration.class))
		.withPropertyValues("spring.application.name=boot-configuration-tests");

	private final ApplicationContextRunner rabbitRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, RabbitAutoConfiguration.class,
				RabbitChannelBinderAutoConfiguration.class, ChannelAutoConfiguration.class))
		.withPropertyValues("spring.rabbitmq.host=127.0.0.1", "spring.rabbitmq.port=5672",
				"spring.application.name=boot-configuration-tests");

	@Test
	void rabbitContainersAndTemplateFollowBootPropertiesAndCustomizers() {
		this.rabbitRunner.withUserConfiguration(RabbitCustomizers.class)
			.withPropertyValues("spring.rabbitmq.listener.simple.prefetch=7",
					// The binder's publishes retry within their deadline, never in the template's own loop.
					"spring.rabbitmq.template.retry.enabled=true",
					// A consumer count above the channel's would break per-key order: the channel's wins.
					"spring.rabbitmq.listener.simple.max-concurrency=4")
			.run((context) -> {
				RabbitChannelBinder binder = context.getBean(RabbitChannelBinder.class);
				RabbitCustomizers customizers = context.getBean(RabbitCustomizers.class);
				ChannelDestination destination = new ChannelDestination("boot", "boot-" + UUID.randomUUID());
				BlockingQueue<Message> received = new LinkedBlockingQueue<>();
				Subscription subscription = subscribe(binder, destination, received);
				try {
					assertThat(customizers.containers).hasSize(1);
					SimpleMessageListenerContainer container = customizers.containers.get(0);
					assertThat(ReflectionTestUtils.getField(container, "prefetchCount")).isEqualTo(7);
					assertThat(ReflectionTestUtils.getField(container, "maxConcurrentConsumers")).isEqualTo(1);
					binder.send(destination, Message.builder("{}").build(), Duration.ofSeconds(10))
						.get(10, TimeUnit.SECONDS);
					Message message = received.poll(10, TimeUnit.SECONDS);
					assertThat(message).isNotNull();
					// Set by the application's RabbitTemplateCustomizer on every publish.
					assertThat(message.getHeader("customized-by")).isEqualTo("application");
				}
				finally {
					subscription.close();
					RabbitAdmin admin = new RabbitAdmin(context.getBean(CachingConnectionFactory.class));
					admin.deleteQueue(destination.name() + ".g");
					admin.deleteExchange(destination.name());
				}
			});
	}

	@Test
	void kafkaContainersAndClientsFollowBootPropertiesAndCustomizers() {
		this.kafkaRunner.withUserConfiguration(KafkaCustomizers.class)
			.withPropertyValues("spring.kafka.bootstrap-servers=" + EmbeddedKafkaCondition.getBroker().getBrokersAsString(),
					"spring.kafka.listener.poll-timeout=1234ms",
					// The listener acknowledges by returning: a manual mode would never commit, so the binder's wins.
					"spring.kafka.listener.ack-mode=manual")
			.run((context) -> {
				KafkaChannelBinder binder = context.getBean(KafkaChannelBinder.class);
				KafkaCustomizers customizers = context.getBean(KafkaCustomizers.class);
				// The application's producer customizer applied, but not over the binder's guarantees.
				assertThat(binder.getProducerConfiguration()).containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 32768)
					.containsEntry(ProducerConfig.ACKS_CONFIG, "all")
					.containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
				assertThat(customizers.binderConsumerFactories).isNotEmpty();
				ChannelDestination destination = new ChannelDestination("boot", "boot-" + UUID.randomUUID());
				BlockingQueue<Message> received = new LinkedBlockingQueue<>();
				Subscription subscription = subscribe(binder, destination, received);
				try {
					assertThat(customizers.containers).hasSize(1);
					ContainerProperties properties = customizers.containers.get(0).getContainerProperties();
					assertThat(properties.getPollTimeout()).isEqualTo(1234);
					assertThat(properties.getAckMode()).isEqualTo(ContainerProperties.AckMode.BATCH);
					binder.send(destination, Message.builder("{}").build(), Duration.ofSeconds(10))
						.get(10, TimeUnit.SECONDS);
					assertThat(received.poll(20, TimeUnit.SECONDS)).isNotNull();
				}
				finally {
					subscription.close();
				}
			});
	}

	private static Subscription subscribe(ChannelBinder binder, ChannelDestination destination,
			BlockingQueue<Message> received) {
		return binder.subscribe(destination, "g", (message, context) -> {
			received.add(message);
			return null;
		}, new ConsumerSettings(1, RetrySettings.none(), null));
	}

	@Configuration(proxyBeanMethods = false)
	static class KafkaCustomizers {

		final List<ConcurrentMessageListenerContainer<Object, Object>> containers = new CopyOnWriteArrayList<>();

		final List<DefaultKafkaConsumerFactory<?, ?>> binderConsumerFactories = new CopyOnWriteArrayList<>();

		@Bean
		KafkaContainerCustomizer capturingKafkaContainerCustomizer() {
			return this.containers::add;
		}

		@Bean
		DefaultKafkaProducerFactoryCustomizer batchSizeProducerFactoryCustomizer() {
			return (factory) -> factory
				.updateConfigs(Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 32768, ProducerConfig.ACKS_CONFIG, "1"));
		}

		@Bean
		DefaultKafkaConsumerFactoryCustomizer recordingConsumerFactoryCustomizer() {
			return (factory) -> {
				// Boot's own consumer factory is customized too; the binder's is the one reading bytes.
				if (factory.getConfigurationProperties()
					.get(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG) == ByteArrayDeserializer.class) {
					this.binderConsumerFactories.add(factory);
				}
			};
		}

	}

	/** Typed as an application declares a customizer for Boot's own container factory. */
	interface KafkaContainerCustomizer
			extends org.springframework.kafka.config.ContainerCustomizer<Object, Object,
					ConcurrentMessageListenerContainer<Object, Object>> {

	}

	@Configuration(proxyBeanMethods = false)
	static class RabbitCustomizers {

		final List<SimpleMessageListenerContainer> containers = new CopyOnWriteArrayList<>();

		@Bean
		ContainerCustomizer<SimpleMessageListenerContainer> capturingContainerCustomizer() {
			return this.containers::add;
		}

		@Bean
		RabbitTemplateCustomizer headerAddingTemplateCustomizer() {
			return (template) -> template.addBeforePublishPostProcessors((message) -> {
				message.getMessageProperties().setHeader("customized-by", "application");
				return message;
			});
		}

	}

}
