package dev.switchboard.autoconfigure.channel.kafka;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * What an application adds to the Kafka binder's clients before the binder sets what its guarantees need: in an
 * application, Spring Boot's producer and consumer factory customizers and its listener container factory
 * configurer (with {@code spring.kafka.listener.*} and the application's container customizer).
 *
 * @param producerFactory customizes the binder's producer factory
 * @param consumerFactory customizes the binder's consumer factory
 * @param containerFactory configures the factory of the binder's listener containers, given the consumer factory
 * @author Switchboard
 */
public record KafkaBinderCustomizers(Consumer<DefaultKafkaProducerFactory<String, byte[]>> producerFactory,
		Consumer<DefaultKafkaConsumerFactory<String, byte[]>> consumerFactory,
		BiConsumer<ConcurrentKafkaListenerContainerFactory<String, byte[]>,
				ConsumerFactory<String, byte[]>> containerFactory) {

	/**
	 * No customization: Spring Kafka's defaults.
	 * @return customizers that change nothing
	 */
	public static KafkaBinderCustomizers none() {
		return new KafkaBinderCustomizers((factory) -> {
		}, (factory) -> {
		}, (factory, consumerFactory) -> factory.setConsumerFactory(consumerFactory));
	}

}
