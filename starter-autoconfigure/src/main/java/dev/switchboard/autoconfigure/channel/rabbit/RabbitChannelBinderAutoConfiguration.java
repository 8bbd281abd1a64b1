package dev.switchboard.autoconfigure.channel.rabbit;

import java.util.HashMap;
import java.util.Map;

import dev.switchboard.autoconfigure.channel.ChannelAutoConfiguration;

import org.springframework.amqp.rabbit.config.ContainerCustomizer;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.amqp.autoconfigure.CachingConnectionFactoryConfigurer;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.amqp.autoconfigure.RabbitConnectionDetails;
import org.springframework.boot.amqp.autoconfigure.RabbitProperties;
import org.springframework.boot.amqp.autoconfigure.RabbitTemplateConfigurer;
import org.springframework.boot.amqp.autoconfigure.RabbitTemplateCustomizer;
import org.springframework.boot.amqp.autoconfigure.SimpleRabbitListenerContainerFactoryConfigurer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the RabbitMQ channel binder ({@code binder: rabbit}), connected like the rest of the
 * application through Spring Boot's RabbitMQ auto-configuration ({@code spring.rabbitmq.*}) but on a connection
 * factory of its own, with correlated publisher confirms and returns whatever Boot's is configured for.
 *
 * @author Switchboard
 */
@AutoConfiguration(after = RabbitAutoConfiguration.class, before = ChannelAutoConfiguration.class)
@ConditionalOnClass({ RabbitTemplate.class, RabbitAutoConfiguration.class })
@ConditionalOnBean({ ConnectionFactory.class, RabbitProperties.class })
@EnableConfigurationProperties(RabbitChannelBinderProperties.class)
public final class RabbitChannelBinderAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	RabbitChannelBinder rabbitChannelBinder(RabbitChannelBinderProperties properties,
			RabbitProperties rabbitProperties, ConnectionFactory connectionFactory,
			ObjectProvider<RabbitConnectionDetails> connectionDetails,
			ObjectProvider<CachingConnectionFactoryConfigurer> configurer,
			ObjectProvider<SimpleRabbitListenerContainerFactoryConfigurer> containerFactoryConfigurer,
			ObjectProvider<ContainerCustomizer<SimpleMessageListenerContainer>> containerCustomizer,
			ObjectProvider<RabbitTemplateConfigurer> templateConfigurer,
			ObjectProvider<RabbitTemplateCustomizer> templateCustomizers) {
		RabbitChannelBinder.Settings settings = settings(properties);
		// The application's RabbitMQ client factory carries host, credentials and SSL; Boot's configurer adds
		// addresses, cache and timeouts. Confirms and returns are the binder's own.
		com.rabbitmq.client.ConnectionFactory rabbitConnectionFactory = (connectionFactory instanceof AbstractConnectionFactory factory)
				? factory.getRabbitConnectionFactory() : new com.rabbitmq.client.ConnectionFactory();
		CachingConnectionFactory channelConnectionFactory = new CachingConnectionFactory(rabbitConnectionFactory);
		RabbitConnectionDetails details = connectionDetails.getIfAvailable();
		configurer.getIfAvailable(() -> (details != null)
				? new CachingConnectionFactoryConfigurer(rabbitProperties, details)
				: new CachingConnectionFactoryConfigurer(rabbitProperties))
			.configure(channelConnectionFactory);
		channelConnectionFactory.setConnectionNameStrategy((factory) -> "switchboard-channels");
		// Containers and template as Boot makes the application's own (spring.rabbitmq.listener.simple.*,
		// spring.rabbitmq.template.*, the application's customizers); the binder then sets what it guarantees.
		SimpleRabbitListenerContainerFactory containerFactory = new SimpleRabbitListenerContainerFactory();
		containerFactoryConfigurer
			.getIfAvailable(() -> new SimpleRabbitListenerContainerFactoryConfigurer(rabbitProperties))
			.configure(containerFactory, channelConnectionFactory);
		containerCustomizer.ifUnique(containerFactory::setContainerCustomizer);
		RabbitTemplateConfigurer template = templateConfigurer
			.getIfAvailable(() -> new RabbitTemplateConfigurer(rabbitProperties));
		return new RabbitChannelBinder(channelConnectionFactory, settings, containerFactory, (rabbitTemplate) -> {
			template.configure(rabbitTemplate, channelConnectionFactory);
			templateCustomizers.orderedStream().forEach((customizer) -> customizer.customize(rabbitTemplate));
		});
	}

	private static RabbitChannelBinder.Settings settings(RabbitChannelBinderProperties properties) {
		// The properties checked their values when bound.
		Map<String, RabbitChannelBinder.QueueSettings> channelQueues = new HashMap<>();
		properties.getChannels()
			.keySet()
			.forEach((channel) -> channelQueues.put(channel, properties.queueSettings(channel)));
		return new RabbitChannelBinder.Settings(properties.defaultQueueSettings(), channelQueues,
				properties.getPublishAttempts(), properties.getPublishBackoff(), properties.getMaxPending());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class RabbitChannelBinderHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "switchboardRabbitHealthIndicator")
		RabbitChannelBinderHealthIndicator switchboardRabbitHealthIndicator(RabbitChannelBinder binder) {
			return new RabbitChannelBinderHealthIndicator(binder);
		}

	}

}
