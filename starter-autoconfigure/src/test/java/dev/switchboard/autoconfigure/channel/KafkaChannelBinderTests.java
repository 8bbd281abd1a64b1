package dev.switchboard.autoconfigure.channel;

import java.util.List;

import dev.switchboard.autoconfigure.channel.kafka.KafkaChannelBinder;
import dev.switchboard.core.channel.Message;

import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.condition.EmbeddedKafkaCondition;
import org.springframework.kafka.test.context.EmbeddedKafka;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The channel scenarios on a real Kafka broker (KRaft, in this JVM, one per class), through the same application
 * code as {@link MemoryChannelBinderTests}.
 *
 * @author Switchboard
 */
@EmbeddedKafka(brokerProperties = { "group.initial.rebalance.delay.ms=0", "offsets.topic.num.partitions=3" })
class KafkaChannelBinderTests extends AbstractChannelBinderTests {

	@Override
	protected String binder() {
		return "kafka";
	}

	@Override
	protected int orderedConcurrency() {
		return 3;
	}

	@Override
	protected List<String> brokerProperties() {
		EmbeddedKafkaBroker broker = EmbeddedKafkaCondition.getBroker();
		return List.of("spring.kafka.bootstrap-servers=" + broker.getBrokersAsString());
	}

	@Override
	protected void assertDeadLetterDetails(Message deadLetter) {
		assertThat(deadLetter.getHeader(KafkaChannelBinder.ORIGINAL_PARTITION_HEADER)).isNotBlank();
		assertThat(deadLetter.getHeader(KafkaChannelBinder.ORIGINAL_OFFSET_HEADER)).isNotBlank();
	}

	@Override
	protected void assertOrderingDetails(Listeners listeners) {
		// Several partitions, several consumer threads: the order held per key, not because of one thread.
		assertThat(listeners.sequenceThreads).hasSizeGreaterThan(1);
	}

}
