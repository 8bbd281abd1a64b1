package dev.switchboard.autoconfigure.channel;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder.QueueSettings;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder.QueueType;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.RetrySettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that a quorum queue with a delivery limit takes a message out of the loop when its consumer keeps dying
 * before acknowledging it, on the RabbitMQ broker on 127.0.0.1:5672.
 *
 * @author Switchboard
 */
class RabbitQuorumDeliveryLimitTests {

	private static final int DELIVERY_LIMIT = 2;

	private final ChannelDestination destination = new ChannelDestination("crashing",
			"crashing-" + UUID.randomUUID().toString().substring(0, 8));

	private final ChannelDestination deadLetter = new ChannelDestination("crashing-dlq",
			this.destination.name() + ".dlq");

	private final CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1", 5672);

	private final RabbitChannelBinder binder = new RabbitChannelBinder(this.connectionFactory,
			new RabbitChannelBinder.Settings(new QueueSettings(QueueType.CLASSIC, null),
					Map.of("crashing", new QueueSettings(QueueType.QUORUM, DELIVERY_LIMIT)), 5, Duration.ofMillis(200),
					100));

	private final CachingConnectionFactory inspection = new CachingConnectionFactory("127.0.0.1", 5672);

	@AfterEach
	void cleanUp() {
		this.binder.close();
		RabbitAdmin admin = new RabbitAdmin(this.inspection);
		admin.deleteQueue(this.destination.name() + ".g");
		admin.deleteQueue(this.deadLetter.name());
		admin.deleteExchange(this.destination.name());
		admin.deleteExchange(this.deadLetter.name());
		this.inspection.destroy();
	}

	@Test
	void messageWhoseConsumerKeepsCrashingIsDeadLetteredByTheBroker() throws Exception {
		AtomicInteger connectionsLost = new AtomicInteger();
		this.connectionFactory.addConnectionListener(new ConnectionListener() {

			@Override
			public void onCreate(Connection connection) {
			}

			@Override
			public void onClose(Connection connection) {
				connectionsLost.incrementAndGet();
			}

		});
		AtomicInteger deliveries = new AtomicInteger();
		this.binder.subscribe(this.destination, "g", (message, context) -> {
			deliveries.incrementAndGet();
			// The consumer "crashes": its connection goes before it acknowledges, so the broker requeues.
			this.connectionFactory.resetConnection();
			return null;
		}, new ConsumerSettings(1, RetrySettings.none(), this.deadLetter));
		this.binder.send(this.destination, Message.builder("{\"id\":\"poison\"}").id("poison-1").build(),
				Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
		// The fault happened first: deliveries ended with the consumer's connection lost, no acknowledgement.
		await().atMost(Duration.ofSeconds(30)).until(() -> connectionsLost.get() >= DELIVERY_LIMIT);
		RabbitAdmin admin = new RabbitAdmin(this.inspection);
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			QueueInformation information = admin.getQueueInfo(this.deadLetter.name());
			return information != null && information.getMessageCount() == 1;
		});
		assertThat(deliveries.get()).isGreaterThan(DELIVERY_LIMIT);
		int delivered = deliveries.get();
		// And then it stopped: the message is out of the group's queue for good.
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> deliveries.get() == delivered);
		org.springframework.amqp.core.Message dead = new RabbitTemplate(this.inspection)
			.receive(this.deadLetter.name(), 5000);
		assertThat(dead).isNotNull();
		assertThat(dead.getMessageProperties().getMessageId()).isEqualTo("poison-1");
		List<Map<String, ?>> deaths = dead.getMessageProperties().getXDeathHeader();
		assertThat(deaths).isNotEmpty();
		assertThat(deaths.get(0).get("reason")).isEqualTo("delivery_limit");
	}

}
