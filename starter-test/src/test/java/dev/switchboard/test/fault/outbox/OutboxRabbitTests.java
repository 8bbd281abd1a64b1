package dev.switchboard.test.fault.outbox;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.switchboard.autoconfigure.channel.EnableChannelClients;
import dev.switchboard.autoconfigure.channel.outbox.OutboxTransactionRequiredException;
import dev.switchboard.core.annotation.ChannelClient;
import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.annotation.MessageKey;
import dev.switchboard.core.annotation.Publish;
import dev.switchboard.core.channel.MessageContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The outbox end to end in one application: orders in PostgreSQL (127.0.0.1:5432), events relayed to RabbitMQ
 * (127.0.0.1:5672) and received by a listener of the same application.
 *
 * @author Switchboard
 */
class OutboxRabbitTests {

	private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

	private static final String DESTINATION = "switchboard-outbox-e2e-" + RUN;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() throws Exception {
		OutboxCrashTests.createDatabase();
		context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.run("--spring.config.name=outbox-e2e", "--spring.main.banner-mode=off",
					"--spring.application.name=outbox-e2e", "--spring.rabbitmq.host=127.0.0.1",
					"--spring.datasource.url=" + OutboxCrashTests.JDBC_URL, "--spring.datasource.username=postgres",
					"--switchboard.outbox.initialize-schema=always", "--switchboard.channel-defaults.binder=rabbit",
					"--switchboard.channels.orders.destination=" + DESTINATION,
					"--switchboard.channels.orders.outbox.enabled=true",
					"--switchboard.channel-deduplication.enabled=false");
	}

	@AfterAll
	static void stop() {
		context.close();
		CachingConnectionFactory connections = new CachingConnectionFactory("127.0.0.1");
		try {
			RabbitAdmin admin = new RabbitAdmin(connections);
			admin.deleteQueue(DESTINATION + ".outbox-e2e");
			admin.deleteExchange(DESTINATION);
		}
		finally {
			connections.destroy();
		}
	}

	@Test
	void commitPublishesToTheBrokerAndRollbackPublishesNothing() {
		TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
		Events events = context.getBean(Events.class);
		Receiver receiver = context.getBean(Receiver.class);
		try {
			transactions.executeWithoutResult((status) -> {
				events.placed("rolled-back", new Placed("rolled-back"));
				throw new IllegalStateException("payment declined");
			});
		}
		catch (IllegalStateException expected) {
			assertThat(expected).hasMessage("payment declined");
		}
		transactions.executeWithoutResult((status) -> events.placed("committed", new Placed("committed")));
		await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received.size() >= 1);
		// Had the rolled-back row survived, it would have been relayed first (lower id).
		await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
			.until(() -> receiver.received.size() == 1);
		assertThat(receiver.received).extracting(MessageContext::getKey).containsExactly("committed");
	}

	@Test
	void publishOutsideATransactionFails() {
		assertThatExceptionOfType(OutboxTransactionRequiredException.class)
			.isThrownBy(() -> context.getBean(Events.class).placed("loose", new Placed("loose")))
			.withMessageContaining("switchboard.channels.orders.outbox.enabled");
	}

	record Placed(String orderId) {
	}

	@ChannelClient
	interface Events {

		@Publish("orders")
		void placed(@MessageKey String orderId, Placed placed);

	}

	static class Receiver {

		final List<MessageContext> received = new CopyOnWriteArrayList<>();

		@ChannelListener("orders")
		void on(Placed placed, MessageContext context) {
			this.received.add(context);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableChannelClients(clients = Events.class)
	static class App {

		@Bean
		Receiver receiver() {
			return new Receiver();
		}

	}

}
