package dev.switchboard.test.fault.consumer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.condition.EmbeddedKafkaCondition;
import org.springframework.kafka.test.context.EmbeddedKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A consumer on Kafka (a KRaft broker in the test JVM) killed with SIGKILL mid-stream: its group drops it when
 * its session times out, and the restarted consumer resumes from the last committed offsets.
 *
 * @author Switchboard
 */
@EmbeddedKafka(brokerProperties = { "group.initial.rebalance.delay.ms=0", "offsets.topic.num.partitions=1" })
class KafkaConsumerCrashTests extends AbstractConsumerCrashTests {

	private static Admin admin;

	private List<String> deadMembers = List.of();

	@BeforeAll
	static void connect() {
		admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker().getBrokersAsString()));
	}

	@AfterAll
	static void disconnect() {
		admin.close(Duration.ofSeconds(5));
	}

	@Override
	protected String binder() {
		return "kafka";
	}

	@Override
	protected List<String> brokerProperties() {
		return List.of("spring.kafka.bootstrap-servers=" + broker().getBrokersAsString());
	}

	@Override
	protected void assertBrokerLostConsumer(String destination, String group, int processedBeforeKill)
			throws Exception {
		// Nothing unprocessed was committed. The topic is new, so its committed offsets count committed records;
		// nobody commits for the group until the dead member is dropped.
		long committed = admin.listConsumerGroupOffsets(group)
			.partitionsToOffsetAndMetadata()
			.get(10, TimeUnit.SECONDS)
			.values()
			.stream()
			.mapToLong(OffsetAndMetadata::offset)
			.sum();
		assertThat(committed).as("records committed by group %s at the kill", group)
			.isLessThanOrEqualTo(processedBeforeKill)
			.isLessThan(MESSAGES);
		this.deadMembers = describeGroup(group).members().stream().map(MemberDescription::consumerId).toList();
		assertThat(this.deadMembers).as("members of group %s at the kill", group).hasSize(CONCURRENCY);
	}

	@Override
	protected void assertBrokerDroppedDeadConsumer(String group) {
		// The group coordinator drops the dead members once their session (6 s in consumer-crash.yml) times out;
		// until then their partitions wait, and the restarted consumer with them.
		await("Kafka dropping the killed consumer from group " + group).atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> describeGroup(group).members()
				.stream()
				.map(MemberDescription::consumerId)
				.noneMatch(this.deadMembers::contains));
	}

	@Override
	protected void deleteBrokerResources(String destination, String group) throws Exception {
		// The broker lives as long as this class. The group is left to expire: a consumer killed in clean-up stays
		// its member until its session times out, and the group cannot be deleted before.
		for (String topic : List.of(destination, destination + ".dlq")) {
			try {
				admin.deleteTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
			}
			catch (ExecutionException ex) {
				// A run that failed before subscribing created no topic; anything else is worth knowing.
				if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) {
					throw ex;
				}
			}
		}
	}

	private static ConsumerGroupDescription describeGroup(String group) throws Exception {
		return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(10, TimeUnit.SECONDS);
	}

	private static EmbeddedKafkaBroker broker() {
		return EmbeddedKafkaCondition.getBroker();
	}

}
