package dev.switchboard.sample.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real Kafka broker for the demo: spring-kafka-test's embedded KRaft broker, started as a bean of a Spring
 * Boot application (the bean's lifecycle starts and stops it). Prints its bootstrap address, and writes it to
 * {@code broker.address-file} when set, for the services' {@code spring.kafka.bootstrap-servers}.
 *
 * @author Switchboard
 */
@SpringBootApplication
public class BrokerApplication {

	private static final Log logger = LogFactory.getLog(BrokerApplication.class);

	public static void main(String[] args) {
		SpringApplication.run(BrokerApplication.class, args);
	}

	// The KRaft broker listens on a free port of its choosing (spring-kafka-test's KRaft broker does not apply
	// kafkaPorts), hence the printed address.
	@Bean
	EmbeddedKafkaKraftBroker embeddedKafkaBroker(@Value("${broker.partitions:3}") int partitions,
			@Value("${broker.topics:orders.v1}") String[] topics) {
		return new EmbeddedKafkaKraftBroker(1, partitions, topics);
	}

	@Bean
	ApplicationRunner printBootstrapAddress(EmbeddedKafkaKraftBroker broker,
			@Value("${broker.address-file:}") String addressFile) {
		return (arguments) -> {
			String bootstrap = broker.getBrokersAsString();
			if (!addressFile.isEmpty()) {
				writeAtomically(Path.of(addressFile), bootstrap);
			}
			logger.info("Kafka broker ready, topics " + broker.getTopics());
			System.out.println("KAFKA_BOOTSTRAP=" + bootstrap);
		};
	}

	// Readers poll for the file: they must never see it half written.
	private static void writeAtomically(Path file, String content) throws IOException {
		Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
		Files.writeString(temporary, content, StandardCharsets.UTF_8);
		Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
	}

}
