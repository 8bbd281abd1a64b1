package dev.switchboard.autoconfigure.channel.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListener;

/**
 * Makes the Kafka binder's producer, consumer and container factories: from the application's configuration and
 * customizers first, then with what the binder's guarantees need, set last so that no customizer undoes it.
 *
 * @author Switchboard
 */
final class KafkaClientFactories {

	private KafkaClientFactories() {
	}

	static DefaultKafkaProducerFactory<String, byte[]> producerFactory(Map<String, Object> configs,
			KafkaChannelBinder.Settings settings, KafkaBinderCustomizers customizers) {
		Map<String, Object> producer = new HashMap<>(configs);
		producer.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		// A publish never waits for metadata longer than the shortest deadline (Kafka's default is 60 s), and
		// the producer gives up on a record soon after the longest one (Kafka's default is 120 s), so that an
		// outcome reported as unknown is settled soon. Kafka requires delivery >= linger + request timeout.
		producer.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, settings.shortestPublishTimeout().toMillis());
		if (!producer.containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
			long linger = longValue(producer.get(ProducerConfig.LINGER_MS_CONFIG), 5);
			long delivery = Math.max(settings.longestPublishTimeout().toMillis(), 1000);
			long request = Math.min(longValue(producer.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG), 30_000),
					Math.max(1, delivery - linger));
			producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) request);
			producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(delivery, linger + request));
		}
		DefaultKafkaProducerFactory<String, byte[]> factory = new DefaultKafkaProducerFactory<>(producer);
		customizers.producerFactory().accept(factory);
		// Explicit, whatever spring.kafka.producer.*, another binder or a customizer made the defaults: a
		// confirmed publish is written to every in-sync replica once, and payloads are the binder's bytes.
		factory.updateConfigs(guaranteedProducerConfigs());
		factory.setKeySerializer(new StringSerializer());
		factory.setValueSerializer(new ByteArraySerializer());
		return factory;
	}

	private static Map<String, Object> guaranteedProducerConfigs() {
		return Map.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
				ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all");
	}

	static DefaultKafkaConsumerFactory<String, byte[]> consumerFactory(Map<String, Object> configs,
			KafkaBinderCustomizers customizers) {
		Map<String, Object> consumer = new HashMap<>(configs);
		consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
		// Bytes always deserialize: an unreadable payload fails in the handler, where it is dead-lettered.
		consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
		// Each container names its group.
		consumer.remove(ConsumerConfig.GROUP_ID_CONFIG);
		// A new group must not skip what was published while its first consumer was joining.
		consumer.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		DefaultKafkaConsumerFactory<String, byte[]> factory = new DefaultKafkaConsumerFactory<>(consumer);
		customizers.consumerFactory().accept(factory);
		factory.setKeyDeserializer(new StringDeserializer());
		factory.setValueDeserializer(new ByteArrayDeserializer());
		return factory;
	}

	static ConcurrentKafkaListenerContainerFactory<String, byte[]> containerFactory(
			DefaultKafkaConsumerFactory<String, byte[]> consumerFactory, KafkaBinderCustomizers customizers) {
		var factory = new ConcurrentKafkaListenerContainerFactory<String, byte[]>();
		customizers.containerFactory().accept(factory, consumerFactory);
		factory.setConsumerFactory(consumerFactory);
		return factory;
	}

	/**
	 * A container of the subscription's group on a topic; poll timeout, executor, observation, interceptors and
	 * the application's customizer come from the factory.
	 */
	static ConcurrentMessageListenerContainer<String, byte[]> container(
			ConcurrentKafkaListenerContainerFactory<String, byte[]> factory, String topic, String group,
			MessageListener<String, byte[]> listener, CommonErrorHandler errorHandler) {
		ConcurrentMessageListenerContainer<String, byte[]> container = factory.createContainer(topic);
		ContainerProperties containerProperties = container.getContainerProperties();
		containerProperties.setGroupId(group);
		containerProperties.setDeliveryAttemptHeader(true);
		// Offsets are committed after the records of a poll were handled or dead-lettered; a manual mode would
		// never commit, since the listener acknowledges by returning.
		containerProperties.setAckMode(ContainerProperties.AckMode.BATCH);
		// Channel listeners stay out of the application's Kafka transactions: retries and dead letters assume
		// plain offset commits.
		containerProperties.setKafkaAwareTransactionManager(null);
		containerProperties.setTransactionManager(null);
		containerProperties.setMessageListener(listener);
		container.setCommonErrorHandler(errorHandler);
		return container;
	}

	private static long longValue(@Nullable Object value, long defaultValue) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		return (value != null) ? Long.parseLong(value.toString().trim()) : defaultValue;
	}

}
