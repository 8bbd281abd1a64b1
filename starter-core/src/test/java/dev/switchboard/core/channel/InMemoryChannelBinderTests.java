package dev.switchboard.core.channel;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link InMemoryChannelBinder}.
 *
 * @author Switchboard
 */
class InMemoryChannelBinderTests {

	private static final ChannelDestination ORDERS = ChannelDestination.of("orders");

	private final InMemoryChannelBinder binder = new InMemoryChannelBinder();

	@AfterEach
	void close() {
		this.binder.close();
	}

	@Test
	void messageWithoutSubscriberIsDroppedWithOneWarningPerDestination() {
		List<LogRecord> records = new CopyOnWriteArrayList<>();
		Handler handler = new Handler() {

			@Override
			public void publish(LogRecord record) {
				records.add(record);
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}

		};
		Logger logger = Logger.getLogger(InMemoryChannelBinder.class.getName());
		logger.addHandler(handler);
		try {
			this.binder.send(ORDERS, Message.builder("one").build()).join();
			this.binder.send(ORDERS, Message.builder("two").build()).join();
			this.binder.send(ChannelDestination.of("payments"), Message.builder("three").build()).join();
		}
		finally {
			logger.removeHandler(handler);
		}
		List<String> warnings = records.stream()
			.filter((record) -> record.getLevel() == Level.WARNING)
			.map(LogRecord::getMessage)
			.toList();
		assertThat(warnings).hasSize(2);
		assertThat(warnings.get(0)).contains("'orders'", "switchboard.channels.orders.binder");
		assertThat(warnings.get(1)).contains("'payments'");
	}

	@Test
	void publisherFasterThanItsConsumerWaitsForRoomUntilItsDeadlineThenFailsAsNotPublished() throws Exception {
		CountDownLatch stuck = new CountDownLatch(1);
		AtomicInteger processed = new AtomicInteger();
		this.binder.subscribe(ORDERS, "slow", (message, context) -> {
			stuck.await();
			processed.incrementAndGet();
			return null;
		}, ConsumerSettings.ofDefaults());
		for (int i = 0; i < InMemoryChannelBinder.MAX_QUEUED; i++) {
			this.binder.send(ORDERS, Message.builder("m" + i).key("k").build(), Duration.ofMillis(100))
				.get(1, TimeUnit.SECONDS);
		}
		long start = System.nanoTime();
		CompletableFuture<Void> beyond = this.binder.send(ORDERS, Message.builder("beyond").id("beyond").key("k").build(),
				Duration.ofMillis(100));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(90));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(beyond::get)
			.havingCause()
			.isInstanceOf(MessageNotPublishedException.class)
			.withMessageContaining("beyond");
		stuck.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> processed.get() == InMemoryChannelBinder.MAX_QUEUED);
	}

	@Test
	void eachGroupReceivesEveryMessage() throws InterruptedException {
		BlockingQueue<String> a = subscribe("a");
		BlockingQueue<String> b = subscribe("b");
		this.binder.send(ORDERS, Message.builder("one").build()).join();
		assertThat(a.poll(5, TimeUnit.SECONDS)).isEqualTo("one");
		assertThat(b.poll(5, TimeUnit.SECONDS)).isEqualTo("one");
	}

	@Test
	void failingHandlerIsRetriedThenDeadLetteredWithTheLastAttempt() throws InterruptedException {
		List<Integer> attempts = new CopyOnWriteArrayList<>();
		ChannelDestination deadLetter = new ChannelDestination("orders", "orders.dlq");
		this.binder.subscribe(ORDERS, "a", (message, context) -> {
			attempts.add(context.getDeliveryAttempt());
			throw new IllegalStateException("boom");
		}, new ConsumerSettings(1, new RetrySettings(3, Duration.ofMillis(1), 2.0, Duration.ofMillis(5)),
				deadLetter));
		BlockingQueue<Message> deadLetters = new LinkedBlockingQueue<>();
		this.binder.subscribe(deadLetter, "ops", (message, context) -> {
			deadLetters.add(message);
			return null;
		}, ConsumerSettings.ofDefaults());
		Message sent = Message.builder("x").key("k").header("h", "v").build();
		this.binder.send(ORDERS, sent).join();
		Message received = deadLetters.poll(5, TimeUnit.SECONDS);
		assertThat(received).isNotNull();
		assertThat(received.getId()).isEqualTo(sent.getId());
		assertThat(received.getKey()).isEqualTo("k");
		assertThat(received.getHeaders()).containsEntry("h", "v")
			.containsEntry(DeadLetterHeaders.ATTEMPTS, "3")
			.containsEntry(DeadLetterHeaders.EXCEPTION_MESSAGE, "boom");
		assertThat(attempts).containsExactly(1, 2, 3);
	}

	@Test
	void requestIsAnsweredByTheHandlersReply() throws Exception {
		this.binder.subscribe(ORDERS, "a",
				(message, context) -> Message.builder(new String(message.getPayload()) + "!").build(),
				ConsumerSettings.ofDefaults());
		Message reply = this.binder.request(ORDERS, Message.builder("hi").build(), Duration.ofSeconds(5))
			.get(5, TimeUnit.SECONDS);
		assertThat(new String(reply.getPayload())).isEqualTo("hi!");
	}

	@Test
	void requestWithoutHandlerTimesOut() {
		CompletableFuture<Message> reply = this.binder.request(ORDERS, Message.builder("hi").build(),
				Duration.ofMillis(20));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> reply.get(5, TimeUnit.SECONDS))
			.withCauseInstanceOf(ReplyTimeoutException.class);
	}

	@Test
	void closedSubscriptionReceivesNothing() throws InterruptedException {
		BlockingQueue<String> a = new LinkedBlockingQueue<>();
		Subscription subscription = this.binder.subscribe(ORDERS, "a", (message, context) -> {
			a.add(new String(message.getPayload()));
			return null;
		}, ConsumerSettings.ofDefaults());
		BlockingQueue<String> b = subscribe("b");
		subscription.close();
		this.binder.send(ORDERS, Message.builder("one").build()).join();
		assertThat(b.poll(5, TimeUnit.SECONDS)).isEqualTo("one");
		assertThat(a).isEmpty();
	}

	private BlockingQueue<String> subscribe(String group) {
		BlockingQueue<String> received = new LinkedBlockingQueue<>();
		this.binder.subscribe(ORDERS, group, (message, context) -> {
			received.add(new String(message.getPayload()));
			return null;
		}, ConsumerSettings.ofDefaults());
		return received;
	}

}
