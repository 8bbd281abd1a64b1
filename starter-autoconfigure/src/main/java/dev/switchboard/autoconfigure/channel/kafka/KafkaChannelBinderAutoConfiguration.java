package dev.switchboard.autoconfigure.channel.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.switchboard.autoconfigure.channel.ChannelAutoConfiguration;
import dev.switchboard.autoconfigure.channel.ChannelProperties;
import dev.switchboard.core.channel.ChannelBinder;
import org.apache.kafka.clients.CommonClientConfigs;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Auto-configuration of the Kafka channel binder ({@code binder: kafka}), connected like the rest of the
 * application through Spring Boot's Kafka auto-configuration ({@code spring.kafka.*}).
 *
 * @author Switchboard
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class, before = ChannelAutoConfiguration.class)
@ConditionalOnClass({ KafkaTemplate.class, KafkaAutoConfiguration.class })
@ConditionalOnBean(KafkaProperties.class)
@EnableConfigurationProperties({ KafkaChannelBinderProperties.class, ChannelProperties.class })
public final class KafkaChannelBinderAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	KafkaChannelBinder kafkaChannelBinder(KafkaChannelBinderProperties properties, ChannelProperties channels,
			KafkaProperties kafkaProperties,
			ObjectProvider<KafkaConnectionDetails> connectionDetails, ObjectProvider<ProducerFactory<?, ?>> producerFactory,
			ObjectProvider<ConsumerFactory<?, ?>> consumerFactory, ObjectProvider<KafkaAdmin> kafkaAdmin,
			ObjectProvider<DefaultKafkaProducerFactoryCustomizer> producerFactoryCustomizers,
			ObjectProvider<DefaultKafkaConsumerFactoryCustomizer> consumerFactoryCustomizers,
			ObjectProvider<ConcurrentKafkaListenerContainerFactoryConfigurer> containerFactoryConfigurer,
			ObjectProvider<ContainerCustomizer<?, ?, ?>> containerCustomizer) {
		KafkaConnectionDetails details = connectionDetails.getIfAvailable();
		// Boot's factories hold what spring.kafka.* and the connection details (bootstrap servers, security
		// protocol, SSL bundle) made of the configuration: start from theirs, fall back to the properties.
		Map<String, Object> producer = configurationOf(producerFactory.getIfUnique(), kafkaProperties::buildProducerProperties,
				(details != null) ? details.getProducer() : null);
		Map<String, Object> consumer = configurationOf(consumerFactory.getIfUnique(), kafkaProperties::buildConsumerProperties,
				(details != null) ? details.getConsumer() : null);
		KafkaAdmin admin = kafkaAdmin.getIfUnique();
		Map<String, Object> adminConfigs = configurationOf(admin, kafkaProperties::buildAdminProperties,
				(details != null) ? details.getAdmin() : null);
		List<Duration> deadlines = publishTimeouts(channels);
		// The clients as Boot makes the application's own (spring.kafka.listener.*, the application's
		// customizers); the binder then sets what it guarantees.
		KafkaBinderCustomizers customizers = new KafkaBinderCustomizers(
				(factory) -> producerFactoryCustomizers.orderedStream().forEach((each) -> each.customize(factory)),
				(factory) -> consumerFactoryCustomizers.orderedStream().forEach((each) -> each.customize(factory)),
				(factory, consumers) -> configureContainerFactory(factory, consumers,
						containerFactoryConfigurer.getIfAvailable(), containerCustomizer.getIfUnique()));
		return new KafkaChannelBinder(producer, consumer, adminConfigs,
				new KafkaChannelBinder.Settings(properties.getPartitions(), properties.getReplicationFactor(),
						properties.getMaxPending(), Collections.min(deadlines), Collections.max(deadlines)),
				customizers);
	}

	// Boot's configurer and customizer are typed for its own <Object, Object> factory; the binder's factory is the
	// same class with String keys and byte[] values, which every setting they make applies to.
	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static void configureContainerFactory(ConcurrentKafkaListenerContainerFactory<String, byte[]> factory,
			ConsumerFactory<String, byte[]> consumerFactory,
			@Nullable ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
			@Nullable ContainerCustomizer<?, ?, ?> customizer) {
		if (configurer != null) {
			configurer.configure((ConcurrentKafkaListenerContainerFactory) factory, (ConsumerFactory) consumerFactory);
		}
		if (customizer != null) {
			factory.setContainerCustomizer((ContainerCustomizer) customizer);
		}
	}

	/** The publish deadlines the channels may use: the producer's waits are set to fit them. */
	private static List<Duration> publishTimeouts(ChannelProperties channels) {
		List<Duration> timeouts = new ArrayList<>();
		timeouts.add(channels.getChannelDefaults().getRequestTimeout());
		channels.getChannels().values().forEach((channel) -> {
			if (channel.getRequestTimeout() != null) {
				timeouts.add(channel.getRequestTimeout());
			}
		});
		// Invalid values are reported by the channel registry, naming their property.
		timeouts.removeIf((timeout) -> timeout.isNegative() || timeout.isZero());
		return timeouts.isEmpty() ? List.of(ChannelBinder.DEFAULT_PUBLISH_TIMEOUT) : timeouts;
	}

	private static Map<String, Object> configurationOf(@Nullable Object factory,
			Supplier<Map<String, Object>> fromProperties, KafkaConnectionDetails.@Nullable Configuration details) {
		try {
			if (factory instanceof ProducerFactory<?, ?> producerFactory) {
				return new HashMap<>(producerFactory.getConfigurationProperties());
			}
			if (factory instanceof ConsumerFactory<?, ?> consumerFactory) {
				return new HashMap<>(consumerFactory.getConfigurationProperties());
			}
			if (factory instanceof KafkaAdmin kafkaAdmin) {
				return new HashMap<>(kafkaAdmin.getConfigurationProperties());
			}
		}
		catch (UnsupportedOperationException ex) {
			// An application's own factory that does not expose its configuration.
		}
		Map<String, Object> configs = new HashMap<>(fromProperties.get());
		if (details != null) {
			configs.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, details.getBootstrapServers());
			if (details.getSecurityProtocol() != null) {
				configs.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, details.getSecurityProtocol());
			}
		}
		return configs;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	static class KafkaChannelBinderHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "switchboardKafkaHealthIndicator")
		KafkaChannelBinderHealthIndicator switchboardKafkaHealthIndicator(KafkaChannelBinder binder) {
			return new KafkaChannelBinderHealthIndicator(binder, Duration.ofSeconds(5));
		}

	}

}
