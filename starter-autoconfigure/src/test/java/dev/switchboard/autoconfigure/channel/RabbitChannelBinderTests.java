package dev.switchboard.autoconfigure.channel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.ShutdownSignalException;

import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ChannelPublishException;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.MessageNotPublishedException;
import dev.switchboard.core.channel.PublishOutcomeUnknownException;
import dev.switchboard.core.channel.ReplyTimeoutException;
import dev.switchboard.core.channel.RetrySettings;
import dev.switchboard.core.channel.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.QueueBuilder.Overflow;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The channel scenarios on the real RabbitMQ broker of this machine (127.0.0.1:5672, guest/guest), through the
 * same application code as {@link MemoryChannelBinderTests}, plus a broker restart while publishing. Deletes the
 * exchanges and queues it created.
 *
 * @author Switchboard
 */
@ExtendWith(OutputCaptureExtension.class)
class RabbitChannelBinderTests extends AbstractChannelBinderTests {

	@Override
	protected String binder() {
		return "rabbit";
	}

	@Override
	protected int orderedConcurrency() {
		// Per-key order on RabbitMQ holds with one consumer per queue.
		return 1;
	}

	@Override
	protected List<String> brokerProperties() {
		return List.of("spring.rabbitmq.host=127.0.0.1", "spring.rabbitmq.port=5672",
				"spring.rabbitmq.username=guest", "spring.rabbitmq.password=guest");
	}

	@AfterAll
	void deleteExchangesAndQueues() {
		// Consumers first, or they would fight the deletion.
		stopApplication();
		CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1", 5672);
		try {
			RabbitAdmin admin = new RabbitAdmin(connectionFactory);
			for (String queue : rabbitmqctl("-q", "list_queues", "name")) {
				if (queue.contains(this.suffix)) {
					admin.deleteQueue(queue.trim());
				}
			}
			for (String exchange : rabbitmqctl("-q", "list_exchanges", "name")) {
				if (exchange.contains(this.suffix)) {
					admin.deleteExchange(exchange.trim());
				}
			}
		}
		finally {
			connectionFactory.destroy();
		}
	}

	@Test
	void publishWithoutAnyBoundQueueFailsInsteadOfVanishing() {
		RabbitChannelBinder binder = this.context.getBean(RabbitChannelBinder.class);
		ChannelDestination nowhere = new ChannelDestination("nowhere", "nowhere-" + this.suffix);
		CompletableFuture<Void> send = binder.send(nowhere, Message.builder("lost?").build());
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> send.get(30, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(ChannelPublishException.class)
			.withMessageContaining("unroutable");
	}

	@Test
	void publishNackedByTheBrokerIsRetriedThenFailsAsOutcomeUnknown() throws Exception {
		RabbitChannelBinder binder = this.context.getBean(RabbitChannelBinder.class);
		ChannelDestination full = new ChannelDestination("full", "full-" + this.suffix);
		declareQueueThatNacksEveryPublish(full);
		CompletableFuture<Void> send = binder.send(full, Message.builder("refused").build(), Duration.ofSeconds(20));
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> send.get(30, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(PublishOutcomeUnknownException.class)
			.withMessageContaining("attempts")
			.withMessageContaining("nacked");
	}

	@Test
	void brokerRestartWhilePublishingLosesNoMessageWhosePublishSucceeded() throws Exception {
		RabbitChannelBinder binder = this.context.getBean(RabbitChannelBinder.class);
		ChannelDestination destination = new ChannelDestination("restart", "restart-" + this.suffix);
		Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
		// Straight on the binder, without duplicate suppression: duplicates are counted, not hidden.
		Subscription subscription = binder.subscribe(destination, "it", (message, context) -> {
			deliveries.computeIfAbsent(message.getId(), (id) -> new AtomicInteger()).incrementAndGet();
			return null;
		}, new ConsumerSettings(1, RetrySettings.ofDefaults(), null));
		int total = 3000;
		Map<String, CompletableFuture<Void>> sends = new LinkedHashMap<>();
		// A connection of its own, to prove that the broker really went away.
		com.rabbitmq.client.ConnectionFactory witnessFactory = new com.rabbitmq.client.ConnectionFactory();
		witnessFactory.setHost("127.0.0.1");
		witnessFactory.setAutomaticRecoveryEnabled(false);
		com.rabbitmq.client.Connection witness = witnessFactory.newConnection("restart-witness");
		CompletableFuture<ShutdownSignalException> outage = new CompletableFuture<>();
		witness.addShutdownListener(outage::complete);
		Thread restarter = new Thread(() -> {
			sleep(Duration.ofMillis(800));
			rabbitmqctl("stop_app");
			rabbitmqctl("start_app");
		}, "rabbitmq-restarter");
		long started = System.nanoTime();
		try {
			restarter.start();
			for (int i = 0; i < total; i++) {
				String id = "restart-" + i;
				// A deadline longer than the restart: this test is about a graceful restart, where nothing fails.
				sends.put(id, binder.send(destination, Message.builder("message " + i).id(id).key("k" + (i % 7)).build(),
						Duration.ofSeconds(20)));
				// About 1,000 publishes per second, over the whole outage.
				if (i % 10 == 9) {
					sleep(Duration.ofMillis(10));
				}
			}
			restarter.join(60_000);
		}
		finally {
			// Whatever happened above, leave the shared broker running.
			rabbitmqctl("start_app");
		}
		List<String> confirmed = new ArrayList<>();
		List<String> failed = new ArrayList<>();
		sends.forEach((id, send) -> {
			try {
				send.get(60, TimeUnit.SECONDS);
				confirmed.add(id);
			}
			catch (Exception ex) {
				failed.add(id);
			}
		});
		long publishMillis = (System.nanoTime() - started) / 1_000_000;
		try {
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(200))
				.untilAsserted(() -> assertThat(deliveries.keySet()).containsAll(confirmed));
		}
		finally {
			Set<String> received = deliveries.keySet();
			long lost = confirmed.stream().filter((id) -> !received.contains(id)).count();
			int duplicates = deliveries.values().stream().mapToInt((count) -> count.get() - 1).sum();
			System.out.println("RabbitMQ restart while publishing " + total + " messages in " + publishMillis
					+ " ms: confirmed " + confirmed.size() + ", failed " + failed.size() + ", received distinct "
					+ received.size() + ", lost after confirm " + lost + ", duplicates " + duplicates);
			subscription.close();
		}
		// The fault happened: the broker closed connections...
		assertThat(outage.get(10, TimeUnit.SECONDS).isInitiatedByApplication()).isFalse();
		// ...and no publish failed, none was lost.
		assertThat(failed).isEmpty();
		assertThat(confirmed).hasSize(total);
	}

	@Test
	void messagesAreConventionalForOtherRabbitMqClients() throws Exception {
		com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
		factory.setHost("127.0.0.1");
		try (com.rabbitmq.client.Connection connection = factory.newConnection("foreign-client");
				com.rabbitmq.client.Channel channel = connection.createChannel()) {
			String exchange = destination("orders");
			String queue = exchange + ".foreign";
			channel.queueDeclare(queue, false, false, true, null);
			channel.queueBind(queue, exchange, "#");
			// Switchboard to a plain client: JSON labelled as JSON, the key as routing key.
			events().placed("k-7", new Order("to-foreign"), "acme").get(10, TimeUnit.SECONDS);
			GetResponse received = await().atMost(WAIT).until(() -> channel.basicGet(queue, true), Objects::nonNull);
			assertThat(received.getProps().getContentType()).isEqualTo("application/json");
			assertThat(received.getEnvelope().getRoutingKey()).isEqualTo("k-7");
			assertThat(received.getProps().getHeaders()).doesNotContainKey(Message.CONTENT_TYPE_HEADER);
			assertThat(received.getProps().getMessageId()).isNotBlank();
			assertThat(received.getProps().getHeaders()).containsKey(RabbitChannelBinder.KEY_HEADER);
			assertThat(received.getProps().getHeaders().get(RabbitChannelBinder.KEY_HEADER)).hasToString("k-7");
			// Spring AMQP's internals (return correlation and the like) stay out of other clients' messages.
			assertThat(received.getProps().getHeaders().keySet()).noneMatch((name) -> name.startsWith("spring_"));
			// A plain client to Switchboard: the routing key is the key.
			listeners().orders.clear();
			AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("application/json")
				.messageId("foreign-1")
				.build();
			channel.basicPublish(exchange, "k-2", properties,
					"{\"id\":\"from-foreign\"}".getBytes(StandardCharsets.UTF_8));
			MessageContext context = listeners().orders.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(context).isNotNull();
			assertThat(context.getMessage().getId()).isEqualTo("foreign-1");
			assertThat(context.getKey()).isEqualTo("k-2");
			assertThat(context.getHeader(Message.CONTENT_TYPE_HEADER)).isEqualTo("application/json");
		}
	}

	@Test
	void headerTypesCrossBetweenSwitchboardAndPlainRabbitMqClients() throws Exception {
		com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
		factory.setHost("127.0.0.1");
		try (com.rabbitmq.client.Connection connection = factory.newConnection("foreign-client");
				com.rabbitmq.client.Channel channel = connection.createChannel()) {
			String exchange = destination("typed");
			String queue = exchange + ".foreign";
			channel.queueDeclare(queue, false, false, true, null);
			channel.queueBind(queue, exchange, "#");
			// Switchboard to a plain client: AMQP table values of the published types.
			byte[] bytes = "raw".getBytes(StandardCharsets.UTF_8);
			events().typed(new Order("typed-to-foreign"), 7, 7_000_000_000L, true, "acme", new BigDecimal("1.5"),
					bytes).get(10, TimeUnit.SECONDS);
			GetResponse received = await().atMost(WAIT).until(() -> channel.basicGet(queue, true), Objects::nonNull);
			Map<String, Object> headers = received.getProps().getHeaders();
			assertThat(headers.get("priority")).isEqualTo(7);
			assertThat(headers.get("big")).isEqualTo(7_000_000_000L);
			assertThat(headers.get("flag")).isEqualTo(Boolean.TRUE);
			assertThat(headers.get("label")).isInstanceOf(LongString.class).hasToString("acme");
			assertThat(headers.get("price")).isEqualTo(new BigDecimal("1.5"));
			assertThat(headers.get("bytes")).isEqualTo(bytes);
			// A plain client to Switchboard: its typed values reach the listener typed.
			listeners().typed.clear();
			Map<String, Object> foreignHeaders = new LinkedHashMap<>();
			foreignHeaders.put("priority", 5);
			foreignHeaders.put("big", 5_000_000_000L);
			foreignHeaders.put("flag", true);
			foreignHeaders.put("label", "acme");
			foreignHeaders.put("price", new BigDecimal("12.50"));
			foreignHeaders.put("bytes", "raw".getBytes(StandardCharsets.UTF_8));
			foreignHeaders.put("short", (short) 7);
			foreignHeaders.put("byte", (byte) -1);
			foreignHeaders.put("float", 1.5f);
			foreignHeaders.put("double", 0.25d);
			foreignHeaders.put("long-text", "x".repeat(2000));
			foreignHeaders.put("at", new Date(1_700_000_000_000L));
			foreignHeaders.put("nested", Map.of("a", 1));
			AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("application/json")
				.headers(foreignHeaders)
				.build();
			channel.basicPublish(exchange, "k-3", properties,
					"{\"id\":\"typed-from-foreign\"}".getBytes(StandardCharsets.UTF_8));
			TypedHeaders delivered = listeners().typed.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(delivered).isNotNull();
			assertThat(delivered.priority()).isEqualTo(5);
			assertThat(delivered.big()).isEqualTo(5_000_000_000L);
			assertThat(delivered.flag()).isTrue();
			assertThat(delivered.label()).isEqualTo("acme");
			MessageContext context = delivered.context();
			assertHeaderValues(context);
			assertThat(context.getHeaderValue("short")).isEqualTo((short) 7);
			assertThat(context.getHeaderValue("byte")).isEqualTo((byte) -1);
			assertThat(context.getHeaderValue("float")).isEqualTo(1.5f);
			assertThat(context.getHeaderValue("double")).isEqualTo(0.25d);
			// Above Spring AMQP's long-string limit (1024 bytes) a LongString arrives: still a String here.
			assertThat(context.getHeaderValue("long-text")).isEqualTo("x".repeat(2000));
			assertThat(context.getHeaderValue("at")).isEqualTo("2023-11-14T22:13:20Z");
			assertThat(context.getHeaderValue("nested")).isEqualTo("{a=1}");
		}
	}

	@Test
	void repliesAreConfirmedWithoutWarnings(CapturedOutput output) {
		RabbitChannelBinder binder = this.context.getBean(RabbitChannelBinder.class);
		List<CompletableFuture<Quote>> quotes = IntStream.range(0, 10)
			.mapToObj((i) -> events().quoteAsync(new QuoteRequest("reply-" + i, i)))
			.toList();
		quotes.forEach(CompletableFuture::join);
		// Every reply confirmed or failed: a reply that RabbitMQ returned would still be pending, or logged.
		await().atMost(WAIT).until(() -> binder.pendingPublishes() == 0);
		assertThat(output).doesNotContain("was not delivered").doesNotContain("requester is gone");
	}

	@Test
	void requestIsConventionalForAForeignResponder() throws Exception {
		RabbitChannelBinder binder = this.context.getBean(RabbitChannelBinder.class);
		ChannelDestination destination = new ChannelDestination("foreign-quotes", destination("foreign-quotes"));
		com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
		factory.setHost("127.0.0.1");
		try (com.rabbitmq.client.Connection connection = factory.newConnection("foreign-responder");
				com.rabbitmq.client.Channel channel = connection.createChannel()) {
			BlockingQueue<AMQP.BasicProperties> requests = respondOnForeignQueue(channel, destination, true);
			Message reply = binder.request(destination, Message.builder("ping").key("k-9").build(), WAIT)
				.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			AMQP.BasicProperties request = requests.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(request).isNotNull();
			// The binder's own reply queue and a correlation id: all a plain AMQP responder needs.
			assertThat(request.getReplyTo()).startsWith("switchboard.replies.");
			assertThat(request.getCorrelationId()).isNotBlank();
			// Spring AMQP's internals (return correlation and the like) stay out of other clients' messages.
			assertThat(request.getHeaders().keySet()).noneMatch((name) -> name.startsWith("spring_"));
			assertThat(new String(reply.getPayload(), StandardCharsets.UTF_8)).isEqualTo("re: ping");
			assertThat(reply.getHeader(Message.CONTENT_TYPE_HEADER)).isEqualTo("text/plain");
			// A second request: a correlation id of its own, the same reply queue.
			Message second = binder.request(destination, Message.builder("pong").build(), WAIT)
				.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(new String(second.getPayload(), StandardCharsets.UTF_8)).isEqualTo("re: pong");
			AMQP.BasicProperties secondRequest = requests.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(secondRequest).isNotNull();
			assertThat(secondRequest.getReplyTo()).isEqualTo(request.getReplyTo());
			assertThat(secondRequest.getCorrelationId()).isNotEqualTo(request.getCorrelationId());
		}
	}

	@Test
	void lateReplyIsDroppedWithoutWarning(CapturedOutput output) throws Exception {
		RabbitChannelBinder binder = this.context.getBean(RabbitChannelBinder.class);
		ChannelDestination destination = new ChannelDestination("slow-quotes", destination("slow-quotes"));
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		String requestReplyLogger = "dev.switchboard.autoconfigure.channel.rabbit.RabbitRequestReply";
		// The dropped reply is logged at DEBUG only: the test's witness that it arrived.
		logging.setLogLevel(requestReplyLogger, LogLevel.DEBUG);
		com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
		factory.setHost("127.0.0.1");
		try (com.rabbitmq.client.Connection connection = factory.newConnection("slow-responder");
				com.rabbitmq.client.Channel channel = connection.createChannel()) {
			BlockingQueue<AMQP.BasicProperties> requests = respondOnForeignQueue(channel, destination, false);
			CompletableFuture<Message> reply = binder.request(destination, Message.builder("late").build(),
					Duration.ofMillis(300));
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> reply.get(WAIT.toSeconds(), TimeUnit.SECONDS))
				.withCauseInstanceOf(ReplyTimeoutException.class);
			AMQP.BasicProperties request = requests.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(request).isNotNull();
			// The reply comes after its request timed out...
			channel.basicPublish("", request.getReplyTo(),
					new AMQP.BasicProperties.Builder().correlationId(request.getCorrelationId()).build(),
					"too late".getBytes(StandardCharsets.UTF_8));
			await().atMost(WAIT)
				.until(() -> output.getAll().contains("with correlation id " + request.getCorrelationId()));
			// ...and is dropped without a warning.
			assertThat(output.getAll().lines().filter((line) -> line.contains("WARN")))
				.noneMatch((line) -> line.contains("RabbitRequestReply") || line.contains(request.getCorrelationId()));
		}
		finally {
			logging.setLogLevel(requestReplyLogger, null);
		}
	}

	@Test
	void requestsAreAnsweredAfterABrokerRestartThroughTheSameReplyQueue() throws Exception {
		RabbitChannelBinder binder = this.context.getBean(RabbitChannelBinder.class);
		ChannelDestination destination = new ChannelDestination("restart-quotes", destination("restart-quotes"));
		com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
		factory.setHost("127.0.0.1");
		factory.setAutomaticRecoveryEnabled(false);
		String replyQueue;
		com.rabbitmq.client.Connection before = factory.newConnection("responder-before-restart");
		try {
			BlockingQueue<AMQP.BasicProperties> requests = respondOnForeignQueue(before.createChannel(), destination,
					true);
			Message reply = binder.request(destination, Message.builder("before").build(), WAIT)
				.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(new String(reply.getPayload(), StandardCharsets.UTF_8)).isEqualTo("re: before");
			replyQueue = requests.take().getReplyTo();
			CompletableFuture<ShutdownSignalException> outage = new CompletableFuture<>();
			before.addShutdownListener(outage::complete);
			try {
				rabbitmqctl("stop_app");
				rabbitmqctl("start_app");
			}
			finally {
				// Whatever happened above, leave the shared broker running.
				rabbitmqctl("start_app");
			}
			// The fault happened: the broker closed connections, and the exclusive reply queue with the binder's.
			assertThat(outage.get(10, TimeUnit.SECONDS).isInitiatedByApplication()).isFalse();
		}
		finally {
			before.abort();
		}
		try (com.rabbitmq.client.Connection after = factory.newConnection("responder-after-restart");
				com.rabbitmq.client.Channel channel = after.createChannel()) {
			BlockingQueue<AMQP.BasicProperties> requests = respondOnForeignQueue(channel, destination, true);
			// The binder reconnects by itself; until its reply queue is declared again, replies are lost.
			Message reply = await().atMost(WAIT)
				.ignoreExceptions()
				.until(() -> binder.request(destination, Message.builder("after").build(), Duration.ofSeconds(2))
					.get(5, TimeUnit.SECONDS), Objects::nonNull);
			assertThat(new String(reply.getPayload(), StandardCharsets.UTF_8)).isEqualTo("re: after");
			// Under the name that requests in flight still carry.
			List<AMQP.BasicProperties> received = new ArrayList<>();
			requests.drainTo(received);
			assertThat(received).isNotEmpty()
				.allSatisfy((request) -> assertThat(request.getReplyTo()).isEqualTo(replyQueue));
		}
	}

	@Test
	void unroutableRequestFailsAtOnce() {
		RabbitChannelBinder binder = this.context.getBean(RabbitChannelBinder.class);
		ChannelDestination nowhere = new ChannelDestination("nowhere", "nowhere-quotes-" + this.suffix);
		CompletableFuture<Message> reply = binder.request(nowhere, Message.builder("anyone?").build(),
				Duration.ofMinutes(1));
		// On the broker's first return, not after the publish attempts a send would make.
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> reply.get(WAIT.toSeconds(), TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(MessageNotPublishedException.class)
			.withMessageContaining("not retried")
			.withMessageContaining("unroutable");
	}

	@Test
	void nackedRequestFailsAtOnce() {
		RabbitChannelBinder binder = this.context.getBean(RabbitChannelBinder.class);
		ChannelDestination full = new ChannelDestination("full-quotes", "full-quotes-" + this.suffix);
		declareQueueThatNacksEveryPublish(full);
		CompletableFuture<Message> reply = binder.request(full, Message.builder("refused").build(),
				Duration.ofMinutes(1));
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> reply.get(WAIT.toSeconds(), TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(PublishOutcomeUnknownException.class)
			.withMessageContaining("not retried")
			.withMessageContaining("nacked");
	}

	/**
	 * Consumes a destination's requests with a plain RabbitMQ client on a queue of its own, answering each to its
	 * {@code reply_to} with its correlation id if asked to.
	 */
	private BlockingQueue<AMQP.BasicProperties> respondOnForeignQueue(com.rabbitmq.client.Channel channel,
			ChannelDestination destination, boolean answer) throws IOException {
		channel.exchangeDeclare(destination.name(), "topic", true);
		String queue = destination.name() + ".foreign";
		channel.queueDeclare(queue, false, false, true, null);
		channel.queueBind(queue, destination.name(), "#");
		BlockingQueue<AMQP.BasicProperties> requests = new LinkedBlockingQueue<>();
		channel.basicConsume(queue, true, (tag, delivery) -> {
			AMQP.BasicProperties request = delivery.getProperties();
			requests.add(request);
			if (answer) {
				AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("text/plain")
					.correlationId(request.getCorrelationId())
					.build();
				String body = "re: " + new String(delivery.getBody(), StandardCharsets.UTF_8);
				channel.basicPublish("", request.getReplyTo(), properties, body.getBytes(StandardCharsets.UTF_8));
			}
		}, (tag) -> {
		});
		return requests;
	}

	private static void declareQueueThatNacksEveryPublish(ChannelDestination destination) {
		CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1", 5672);
		try {
			RabbitAdmin admin = new RabbitAdmin(connectionFactory);
			TopicExchange exchange = new TopicExchange(destination.name(), true, false);
			admin.declareExchange(exchange);
			// A queue that never takes a message: RabbitMQ nacks every publish routed to it.
			Queue queue = QueueBuilder.nonDurable(destination.name() + ".none")
				.maxLength(0)
				.overflow(Overflow.rejectPublish)
				.build();
			admin.declareQueue(queue);
			admin.declareBinding(BindingBuilder.bind(queue).to(exchange).with("#"));
		}
		finally {
			connectionFactory.destroy();
		}
	}

	private static List<String> rabbitmqctl(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add("rabbitmqctl");
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			List<String> lines = new ArrayList<>();
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				reader.lines().forEach(lines::add);
			}
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException(command + " failed: " + lines);
			}
			return lines;
		}
		catch (IOException ex) {
			throw new IllegalStateException(command + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(command + " interrupted", ex);
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
