package dev.switchboard.test.fault.consumer;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A consumer on RabbitMQ (127.0.0.1:5672) killed with SIGKILL mid-stream: the broker requeues what it had not
 * acknowledged, and the restarted consumer processes it.
 *
 * @author Switchboard
 */
class RabbitConsumerCrashTests extends AbstractConsumerCrashTests {

	private static CachingConnectionFactory connectionFactory;

	private static RabbitAdmin admin;

	@BeforeAll
	static void connect() {
		connectionFactory = new CachingConnectionFactory("127.0.0.1", 5672);
		admin = new RabbitAdmin(connectionFactory);
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@Override
	protected String binder() {
		return "rabbit";
	}

	@Override
	protected List<String> brokerProperties() {
		return List.of();
	}

	@Override
	protected void assertBrokerLostConsumer(String destination, String group, int processedBeforeKill) {
		String queue = destination + "." + group;
		// The broker saw the connection die: no consumer left, the unacknowledged messages back in the queue.
		await("RabbitMQ dropping the killed consumer").atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> queueInfo(queue).getConsumerCount() == 0);
		// Nothing unprocessed was acknowledged: every message the ledger lacks is still queued.
		assertThat(queueInfo(queue).getMessageCount()).as("messages still in %s after the kill", queue)
			.isGreaterThanOrEqualTo(MESSAGES - processedBeforeKill);
	}

	@Override
	protected void deleteBrokerResources(String destination, String group) {
		admin.deleteQueue(destination + "." + group);
		admin.deleteQueue(destination + ".dlq");
		admin.deleteExchange(destination);
		admin.deleteExchange(destination + ".dlq");
	}

	private static QueueInformation queueInfo(String queue) {
		QueueInformation info = admin.getQueueInfo(queue);
		assertThat(info).as("queue %s", queue).isNotNull();
		return info;
	}

}
