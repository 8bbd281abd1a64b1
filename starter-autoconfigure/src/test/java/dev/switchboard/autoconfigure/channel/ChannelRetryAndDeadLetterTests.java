package dev.switchboard.autoconfigure.channel;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.switchboard.core.annotation.ChannelClient;
import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.annotation.MessageKey;
import dev.switchboard.core.annotation.MessageType;
import dev.switchboard.core.annotation.Publish;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.DeadLetterHeaders;
import dev.switchboard.core.channel.InMemoryChannelBinder;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.UnreadableMessageException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for retries and dead-lettering of failing {@code @ChannelListener} methods.
 *
 * @author Switchboard
 */
class ChannelRetryAndDeadLetterTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ChannelAutoConfiguration.class))
		.withUserConfiguration(ShipmentConfiguration.class)
		.withPropertyValues("switchboard.channels.shipments.retry.backoff=20ms",
				"switchboard.channels.shipments.retry.multiplier=2");

	@Test
	void listenerFailingTwiceIsRetriedWithBackoffAndProcessedOnce() {
		this.contextRunner.withPropertyValues("switchboard.channels.shipments.retry.max-attempts=4").run((context) -> {
			BlockingQueue<Message> deadLetters = deadLetters(context, "shipments.dlq");
			ShipmentListener listener = context.getBean(ShipmentListener.class);
			listener.failuresBeforeSuccess.set(2);
			context.getBean(ShipmentEvents.class).shipped("s-1", new Shipment("s-1"));
			await().atMost(WAIT).untilAsserted(() -> assertThat(listener.processed).containsExactly("s-1"));
			assertThat(listener.attempts).containsExactly(1, 2, 3);
			// Exponential backoff: 20 ms after the first failure, 40 ms after the second.
			assertThat(listener.gapMillis(0)).isGreaterThanOrEqualTo(20);
			assertThat(listener.gapMillis(1)).isGreaterThanOrEqualTo(40);
			assertThat(deadLetters).isEmpty();
		});
	}

	@Test
	void messageThatKeepsFailingGoesToTheDeadLetterDestinationAndLaterMessagesFlow() {
		this.contextRunner.withPropertyValues("switchboard.channels.shipments.retry.max-attempts=2").run((context) -> {
			BlockingQueue<Message> deadLetters = deadLetters(context, "shipments.dlq");
			ShipmentListener listener = context.getBean(ShipmentListener.class);
			ShipmentEvents events = context.getBean(ShipmentEvents.class);
			events.shipped("same-key", new Shipment("poison"));
			events.shipped("same-key", new Shipment("s-2"));
			Message deadLetter = deadLetters.poll(10, TimeUnit.SECONDS);
			assertThat(deadLetter).isNotNull();
			assertThat(deadLetter.getKey()).isEqualTo("same-key");
			assertThat(new String(deadLetter.getPayload())).contains("poison");
			assertThat(deadLetter.getType()).isEqualTo("shipment");
			assertThat(deadLetter.getHeaders())
				.containsEntry(DeadLetterHeaders.EXCEPTION_CLASS, IllegalStateException.class.getName())
				.containsEntry(DeadLetterHeaders.EXCEPTION_MESSAGE, "warehouse rejected poison")
				.containsEntry(DeadLetterHeaders.ATTEMPTS, "2")
				.containsEntry(DeadLetterHeaders.ORIGINAL_CHANNEL, "shipments")
				.containsEntry(DeadLetterHeaders.ORIGINAL_DESTINATION, "shipments")
				.containsEntry(DeadLetterHeaders.ORIGINAL_GROUP, "application")
				.containsKey(DeadLetterHeaders.FAILED_AT);
			assertThat(deadLetter.getHeader(DeadLetterHeaders.EXCEPTION_STACKTRACE))
				.startsWith(IllegalStateException.class.getName())
				.contains("ShipmentListener.on");
			await().atMost(WAIT).untilAsserted(() -> assertThat(listener.processed).containsExactly("s-2"));
			assertThat(listener.poisonAttempts).hasValue(2);
			assertThat(deadLetters).isEmpty();
		});
	}

	@Test
	void configuredDeadLetterDestinationIsUsed() {
		this.contextRunner
			.withPropertyValues("switchboard.channels.shipments.retry.max-attempts=1",
					"switchboard.channels.shipments.dead-letter.destination=shipments.parked")
			.run((context) -> {
				BlockingQueue<Message> deadLetters = deadLetters(context, "shipments.parked");
				context.getBean(ShipmentEvents.class).shipped("k", new Shipment("poison"));
				Message deadLetter = deadLetters.poll(10, TimeUnit.SECONDS);
				assertThat(deadLetter).isNotNull();
				assertThat(deadLetter.getHeader(DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
			});
	}

	@Test
	void unreadablePayloadGoesToTheDeadLetterDestinationWithoutRetries() {
		this.contextRunner.withPropertyValues("switchboard.channels.shipments.retry.max-attempts=5").run((context) -> {
			BlockingQueue<Message> deadLetters = deadLetters(context, "shipments.dlq");
			InMemoryChannelBinder binder = context.getBean(InMemoryChannelBinder.class);
			binder.send(ChannelDestination.of("shipments"), Message.builder("{\"id\": [oops").key("k").build()).join();
			Message deadLetter = deadLetters.poll(10, TimeUnit.SECONDS);
			assertThat(deadLetter).isNotNull();
			assertThat(deadLetter.getHeaders())
				.containsEntry(DeadLetterHeaders.EXCEPTION_CLASS, UnreadableMessageException.class.getName())
				.containsEntry(DeadLetterHeaders.ATTEMPTS, "1");
			assertThat(deadLetter.getHeader(DeadLetterHeaders.EXCEPTION_MESSAGE)).contains(Shipment.class.getName());
			assertThat(new String(deadLetter.getPayload())).isEqualTo("{\"id\": [oops");
			assertThat(context.getBean(ShipmentListener.class).attempts).isEmpty();
		});
	}

	@Test
	void messageThatKeepsFailingIsDroppedWhenDeadLetteringIsDisabled() {
		this.contextRunner
			.withPropertyValues("switchboard.channels.shipments.retry.max-attempts=2",
					"switchboard.channel-defaults.dead-letter.enabled=false")
			.run((context) -> {
				BlockingQueue<Message> deadLetters = deadLetters(context, "shipments.dlq");
				ShipmentEvents events = context.getBean(ShipmentEvents.class);
				events.shipped("same-key", new Shipment("poison"));
				events.shipped("same-key", new Shipment("s-2"));
				ShipmentListener listener = context.getBean(ShipmentListener.class);
				await().atMost(WAIT).untilAsserted(() -> assertThat(listener.processed).containsExactly("s-2"));
				assertThat(listener.poisonAttempts).hasValue(2);
				assertThat(deadLetters).isEmpty();
			});
	}

	private static BlockingQueue<Message> deadLetters(ApplicationContext context, String destination) {
		BlockingQueue<Message> deadLetters = new LinkedBlockingQueue<>();
		context.getBean(InMemoryChannelBinder.class)
			.subscribe(new ChannelDestination("shipments", destination), "operators", (message, messageContext) -> {
				deadLetters.add(message);
				return null;
			}, ConsumerSettings.ofDefaults());
		return deadLetters;
	}

	@MessageType("shipment")
	record Shipment(String id) {
	}

	@ChannelClient
	interface ShipmentEvents {

		@Publish("shipments")
		void shipped(@MessageKey String key, Shipment shipment);

	}

	static class ShipmentListener {

		final AtomicInteger failuresBeforeSuccess = new AtomicInteger();

		final AtomicInteger poisonAttempts = new AtomicInteger();

		final List<Integer> attempts = new CopyOnWriteArrayList<>();

		final List<Long> attemptNanos = new CopyOnWriteArrayList<>();

		final List<String> processed = new CopyOnWriteArrayList<>();

		@ChannelListener("shipments")
		void on(Shipment shipment, MessageContext context) {
			this.attempts.add(context.getDeliveryAttempt());
			this.attemptNanos.add(System.nanoTime());
			if ("poison".equals(shipment.id())) {
				this.poisonAttempts.incrementAndGet();
				throw new IllegalStateException("warehouse rejected poison");
			}
			if (this.failuresBeforeSuccess.getAndDecrement() > 0) {
				throw new IllegalStateException("warehouse busy");
			}
			this.processed.add(shipment.id());
		}

		long gapMillis(int index) {
			return TimeUnit.NANOSECONDS.toMillis(this.attemptNanos.get(index + 1) - this.attemptNanos.get(index));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableChannelClients(clients = ShipmentEvents.class)
	static class ShipmentConfiguration {

		@Bean
		ShipmentListener shipmentListener() {
			return new ShipmentListener();
		}

	}

}
