package dev.switchboard.autoconfigure.observation;

import java.util.List;

import org.junit.jupiter.api.AfterAll;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The observability end-to-end tests with the channel on a real Kafka broker (embedded KRaft in the test JVM):
 * the trace and the propagated request id cross the broker hop in the record headers.
 *
 * @author Switchboard
 */
class KafkaObservabilityEndToEndTests extends ObservabilityEndToEndTests {

	private EmbeddedKafkaKraftBroker broker;

	@Override
	String binder() {
		return "kafka";
	}

	@Override
	List<String> binderProperties() {
		this.broker = new EmbeddedKafkaKraftBroker(1, 1);
		this.broker.afterPropertiesSet();
		return List.of("spring.kafka.bootstrap-servers=" + this.broker.getBrokersAsString());
	}

	@AfterAll
	void stopBroker() {
		if (this.broker != null) {
			this.broker.destroy();
		}
	}

}
