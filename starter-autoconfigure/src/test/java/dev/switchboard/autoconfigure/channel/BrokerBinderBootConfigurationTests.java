package dev.switchboard.autoconfigure.channel;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinderAutoConfiguration;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.RetrySettings;
import dev.switchboard.core.channel.Subscription;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.config.ContainerCustomizer;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.amqp.autoconfigure.RabbitTemplateCustomizer;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the broker binders are built like the application's own listeners and templates: Spring Boot's
 * {@code spring.rabbitmq.listener.*} / {@code spring.rabbitmq.template.*} settings and the application's
 * customizer beans apply, against the RabbitMQ broker on 127.0.0.1:5672.
 *
 * @author Switchboard
 */
class BrokerBinderBootConfigurationTests {

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
				Subscription subscription = binder.subscribe(destination, "g", (message, messageContext) -> {
					received.add(message);
					return null;
				}, new ConsumerSettings(1, RetrySettings.none(), null));
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
