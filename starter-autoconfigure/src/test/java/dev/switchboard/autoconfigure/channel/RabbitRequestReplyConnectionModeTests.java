package dev.switchboard.autoconfigure.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RabbitMQ request-reply with Spring AMQP's connection cache mode {@code CONNECTION} (a connection per user, where
 * the admin and the reply container do not share one and Spring's admin declares nothing on new connections): the
 * reply queue is not exclusive then, and when the container finds it gone it is declared again. The responder is
 * the plain RabbitMQ client.
 */
class RabbitRequestReplyConnectionModeTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1", 5672);

	private final RabbitChannelBinder binder;

	private final ChannelDestination destination = new ChannelDestination("quotes",
			"switchboard-connection-mode-" + UUID.randomUUID());

	RabbitRequestReplyConnectionModeTests() {
		this.connectionFactory.setCacheMode(CachingConnectionFactory.CacheMode.CONNECTION);
		this.binder = new RabbitChannelBinder(this.connectionFactory, RabbitChannelBinder.Settings.ofDefaults());
	}

	@AfterEach
	void close() {
		this.binder.close();
		RabbitAdmin admin = new RabbitAdmin(this.connectionFactory);
		admin.deleteQueue(this.destination.name() + ".responder");
		admin.deleteExchange(this.destination.name());
		this.connectionFactory.destroy();
	}

	@Test
	void requestsAreAnsweredAndTheLostReplyQueueIsDeclaredAgain() throws Exception {
		ConnectionFactory plain = new ConnectionFactory();
		plain.setHost("127.0.0.1");
		try (Connection connection = plain.newConnection("connection-mode-responder");
				Channel channel = connection.createChannel()) {
			BlockingQueue<String> replyAddresses = respond(channel);
			assertThat(answer("first")).isEqualTo("re: first");
			String replyQueue = replyAddresses.take();
			assertThat(replyQueue).startsWith("switchboard.replies.");

			// The fault: the reply queue is gone (as after a broker restart), and its consumer with it.
			channel.queueDelete(replyQueue);
			assertThat(consumers(connection, replyQueue)).as("reply queue deleted").isEqualTo(-1);

			// The reply container reports the queue missing, which declares it again under the same name; the
			// container consumes it on its next try. (A reply sent while it was gone would be lost.)
			await("the reply queue declared again and consumed").atMost(WAIT)
				.until(() -> consumers(connection, replyQueue) == 1);
			assertThat(answer("after")).isEqualTo("re: after");
			assertThat(replyAddresses.take()).isEqualTo(replyQueue);
		}
	}

	private String answer(String request) throws Exception {
		Message reply = this.binder.request(this.destination, Message.builder(request).build(), WAIT)
			.get(WAIT.toSeconds() + 5, TimeUnit.SECONDS);
		return new String(reply.getPayload(), StandardCharsets.UTF_8);
	}

	private BlockingQueue<String> respond(Channel channel) throws IOException {
		channel.exchangeDeclare(this.destination.name(), "topic", true);
		String queue = this.destination.name() + ".responder";
		channel.queueDeclare(queue, false, false, false, null);
		channel.queueBind(queue, this.destination.name(), "#");
		BlockingQueue<String> replyAddresses = new LinkedBlockingQueue<>();
		channel.basicConsume(queue, true, (tag, delivery) -> {
			AMQP.BasicProperties request = delivery.getProperties();
			replyAddresses.add(request.getReplyTo());
			AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("text/plain")
				.correlationId(request.getCorrelationId())
				.build();
			byte[] body = ("re: " + new String(delivery.getBody(), StandardCharsets.UTF_8))
				.getBytes(StandardCharsets.UTF_8);
			channel.basicPublish("", request.getReplyTo(), properties, body);
		}, (tag) -> {
		});
		return replyAddresses;
	}

	/** The queue's consumers, or -1 when it does not exist. */
	private static int consumers(Connection connection, String queue) throws IOException {
		// A passive declare of a missing queue closes its channel: use a channel of its own.
		Channel probe = connection.createChannel();
		try {
			return probe.queueDeclarePassive(queue).getConsumerCount();
		}
		catch (IOException ex) {
			return -1;
		}
		finally {
			if (probe.isOpen()) {
				try {
					probe.close();
				}
				catch (Exception ex) {
					// closed meanwhile
				}
			}
		}
	}

}
