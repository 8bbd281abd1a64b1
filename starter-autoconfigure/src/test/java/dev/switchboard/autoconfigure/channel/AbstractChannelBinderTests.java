package dev.switchboard.autoconfigure.channel;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.switchboard.autoconfigure.channel.dedup.IdempotencyStoreAutoConfiguration;
import dev.switchboard.autoconfigure.channel.kafka.KafkaChannelBinderAutoConfiguration;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinderAutoConfiguration;
import dev.switchboard.core.annotation.ChannelClient;
import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.annotation.MessageHeader;
import dev.switchboard.core.annotation.MessageKey;
import dev.switchboard.core.annotation.Publish;
import dev.switchboard.core.channel.ChannelBinder;
import dev.switchboard.core.channel.DeadLetterHeaders;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.ReplyTimeoutException;
import dev.switchboard.core.channel.UnreadableMessageException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.amqp.rabbit.config.ContainerCustomizer;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The same application, publisher interface and listeners on each binder: a subclass changes nothing but
 * {@code switchboard.channels.<name>.binder} (and the broker's connection properties). One application context
 * per subclass, with destinations unique to the run.
 *
 * @author Switchboard
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractChannelBinderTests {

	static final Duration WAIT = Duration.ofSeconds(30);

	static final List<String> CHANNELS = List.of("orders", "ordered", "shipments", "shipments-dlq", "flaky",
			"quotes", "unanswered", "typed");

	/** Unique to this run: destinations, and so topics, exchanges and queues, never collide with earlier runs. */
	protected final String suffix = UUID.randomUUID().toString().substring(0, 8);

	protected ConfigurableApplicationContext context;

	/**
	 * The binder every channel uses.
	 * @return memory, kafka or rabbit
	 */
	protected abstract String binder();

	/**
	 * Consumer threads of the {@code ordered} channel.
	 * @return the concurrency
	 */
	protected abstract int orderedConcurrency();

	/**
	 * Broker connection properties.
	 * @return properties in {@code name=value} form
	 */
	protected List<String> brokerProperties() {
		return List.of();
	}

	@BeforeAll
	void startApplication() {
		List<String> properties = new ArrayList<>(brokerProperties());
		properties.add("spring.application.name=it-" + this.suffix);
		for (String channel : CHANNELS) {
			properties.add("switchboard.channels." + channel + ".binder=" + binder());
			properties.add("switchboard.channels." + channel + ".destination=" + destination(channel));
		}
		properties.add("switchboard.channels.shipments-dlq.destination=" + destination("shipments") + ".dlq");
		properties.add("switchboard.channels.shipments-dlq.dead-letter.enabled=false");
		properties.add("switchboard.channels.shipments.retry.max-attempts=2");
		properties.add("switchboard.channels.shipments.retry.backoff=50ms");
		properties.add("switchboard.channels.flaky.retry.backoff=50ms");
		properties.add("switchboard.channels.ordered.concurrency=" + orderedConcurrency());
		properties.add("switchboard.channels.quotes.request-timeout=15s");
		properties.add("switchboard.channels.unanswered.request-timeout=500ms");
		this.context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	@AfterAll
	void stopApplication() {
		if (this.context != null) {
			this.context.close();
		}
	}

	protected String destination(String channel) {
		return channel + "-" + this.suffix;
	}

	protected Events events() {
		return this.context.getBean(Events.class);
	}

	protected Listeners listeners() {
		return this.context.getBean(Listeners.class);
	}

	protected ChannelBinder channelBinder(String channel) {
		ChannelRegistry registry = this.context.getBean(ChannelRegistry.class);
		return registry.getBinder(registry.getSettings(channel));
	}

	@Test
	void channelsUseTheConfiguredBinder() {
		assertThat(channelBinder("orders").name()).isEqualTo(binder());
	}

	@Test
	void publishedMessageReachesListenerWithKeyHeadersAndAttempt() throws Exception {
		events().placed("order-1", new Order("order-1"), "acme").get(10, TimeUnit.SECONDS);
		MessageContext context = listeners().orders.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(context).isNotNull();
		assertThat(context.getKey()).isEqualTo("order-1");
		assertThat(context.getHeader("tenant")).isEqualTo("acme");
		// No Java class name on the wire: Order has no @MessageType.
		assertThat(context.getHeader(Message.TYPE_HEADER)).isNull();
		assertThat(context.getDestination().name()).isEqualTo(destination("orders"));
		assertThat(context.getGroup()).isEqualTo("it-" + this.suffix);
		assertThat(context.getDeliveryAttempt()).isEqualTo(1);
	}

	@Test
	void typedHeadersReachListenerParametersOfTheirTypes() throws Exception {
		byte[] bytes = "raw".getBytes(StandardCharsets.UTF_8);
		events().typed(new Order("typed-1"), 5, 5_000_000_000L, true, "acme", new BigDecimal("12.50"), bytes)
			.get(10, TimeUnit.SECONDS);
		TypedHeaders received = listeners().typed.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(received).isNotNull();
		assertThat(received.priority()).isEqualTo(5);
		assertThat(received.big()).isEqualTo(5_000_000_000L);
		assertThat(received.flag()).isTrue();
		assertThat(received.label()).isEqualTo("acme");
		assertThat(received.price()).isEqualByComparingTo("12.50");
		assertThat(received.bytes()).isEqualTo(bytes);
		assertThat(received.context().getHeader("priority")).isEqualTo("5");
		assertThat(received.context().getHeader("flag")).isEqualTo("true");
		assertHeaderValues(received.context());
	}

	/**
	 * Checks the typed header values of {@link #typedHeadersReachListenerParametersOfTheirTypes()}: a binder
	 * whose broker carries types delivers them as published, which this default checks.
	 * @param context the delivery
	 */
	protected void assertHeaderValues(MessageContext context) {
		assertThat(context.getHeaderValue("priority")).isEqualTo(5);
		assertThat(context.getHeaderValue("big")).isEqualTo(5_000_000_000L);
		assertThat(context.getHeaderValue("flag")).isEqualTo(Boolean.TRUE);
		assertThat(context.getHeaderValue("label")).isEqualTo("acme");
		assertThat(context.getHeaderValue("price")).isEqualTo(new BigDecimal("12.50"));
		assertThat(context.getHeaderValue("bytes")).isInstanceOf(byte[].class);
	}

	@Test
	void messagesWithTheSameKeyAreProcessedInPublicationOrder() {
		List<String> keys = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot");
		int perKey = 30;
		List<CompletableFuture<Void>> sends = new ArrayList<>();
		for (int sequence = 0; sequence < perKey; sequence++) {
			for (String key : keys) {
				sends.add(events().step(key, new Step(key, sequence)));
			}
		}
		CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
		Map<String, List<Integer>> sequences = listeners().sequences;
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(sequences.values().stream().mapToInt(List::size).sum())
				.isEqualTo(keys.size() * perKey));
		List<Integer> expected = IntStream.range(0, perKey).boxed().toList();
		keys.forEach((key) -> assertThat(sequences.get(key)).as("sequence of key %s", key).isEqualTo(expected));
		assertOrderingDetails(listeners());
	}

	/**
	 * Broker-specific checks after the ordering scenario.
	 * @param listeners the listeners
	 */
	protected void assertOrderingDetails(Listeners listeners) {
	}

	@Test
	void poisonMessageGoesToTheDeadLetterDestinationWithItsHeadersWhileLaterMessagesFlow() throws Exception {
		Listeners listeners = listeners();
		listeners.deadLetters.clear();
		events().shipped("same-key", new Order("poison-1")).get(10, TimeUnit.SECONDS);
		for (int i = 0; i < 5; i++) {
			events().shipped("same-key", new Order("good-" + i)).get(10, TimeUnit.SECONDS);
		}
		Message deadLetter = listeners.deadLetters.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(deadLetter).isNotNull();
		assertThat(deadLetter.getKey()).isEqualTo("same-key");
		assertThat(new String(deadLetter.getPayload())).contains("poison-1");
		assertThat(deadLetter.getType()).isNull();
		assertThat(deadLetter.getHeaders())
			.containsEntry(DeadLetterHeaders.EXCEPTION_CLASS, IllegalStateException.class.getName())
			.containsEntry(DeadLetterHeaders.EXCEPTION_MESSAGE, "warehouse rejected poison-1")
			.containsEntry(DeadLetterHeaders.ATTEMPTS, "2")
			.containsEntry(DeadLetterHeaders.ORIGINAL_CHANNEL, "shipments")
			.containsEntry(DeadLetterHeaders.ORIGINAL_DESTINATION, destination("shipments"))
			.containsEntry(DeadLetterHeaders.ORIGINAL_GROUP, "it-" + this.suffix)
			.containsKey(DeadLetterHeaders.FAILED_AT);
		assertThat(deadLetter.getHeader(DeadLetterHeaders.EXCEPTION_STACKTRACE)).contains("Listeners.ship");
		assertDeadLetterDetails(deadLetter);
		// Operators see it too: the binder counts what the dead-letter destination holds.
		ChannelRegistry registry = this.context.getBean(ChannelRegistry.class);
		ChannelSettings shipments = registry.getSettings("shipments");
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(
					registry.getBinder(shipments).deadLetterCount(shipments.consumer().deadLetter()))
				.isNotNull()
				.isGreaterThanOrEqualTo(1L));
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(listeners.shipped).containsExactly("good-0", "good-1", "good-2", "good-3",
					"good-4"));
		assertThat(listeners.poisonAttempts).hasValue(2);
	}

	/**
	 * Broker-specific headers of a dead letter.
	 * @param deadLetter the dead letter
	 */
	protected void assertDeadLetterDetails(Message deadLetter) {
	}

	@Test
	void unreadablePayloadIsDeadLetteredWithoutRetries() throws Exception {
		ChannelRegistry registry = this.context.getBean(ChannelRegistry.class);
		ChannelSettings settings = registry.getSettings("shipments");
		Message garbage = Message.builder("{\"id\": [oops").key("garbage").build();
		channelBinder("shipments").send(settings.destination(), garbage).get(10, TimeUnit.SECONDS);
		Message deadLetter = listeners().deadLetter(garbage.getId());
		assertThat(deadLetter).isNotNull();
		assertThat(deadLetter.getHeaders())
			.containsEntry(DeadLetterHeaders.EXCEPTION_CLASS, UnreadableMessageException.class.getName())
			.containsEntry(DeadLetterHeaders.ATTEMPTS, "1");
	}

	@Test
	void listenerFailingOnceProcessesEachMessageExactlyOnceDespiteRetriesAndDuplicatePublishes() throws Exception {
		Listeners listeners = listeners();
		ChannelRegistry registry = this.context.getBean(ChannelRegistry.class);
		ChannelSettings settings = registry.getSettings("flaky");
		ChannelMessageConverter converter = this.context.getBean(ChannelMessageConverter.class);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			Message message = converter.toMessage(new Order("flaky-" + i), "k" + (i % 3), Map.of());
			ids.add("flaky-" + i);
			// The same message twice, as a publisher retrying after a lost acknowledgement would send it.
			channelBinder("flaky").send(settings.destination(), message).get(10, TimeUnit.SECONDS);
			channelBinder("flaky").send(settings.destination(), message).get(10, TimeUnit.SECONDS);
		}
		// A marker per key after the duplicates: a key's messages are processed in order, so once every marker
		// is processed, every duplicate before it has been delivered and dropped.
		for (int key = 0; key < 3; key++) {
			Message marker = converter.toMessage(new Order("flaky-marker-" + key), "k" + key, Map.of());
			channelBinder("flaky").send(settings.destination(), marker).get(10, TimeUnit.SECONDS);
		}
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(listeners.flakyProcessed.keySet()).containsAll(ids)
				.contains("flaky-marker-0", "flaky-marker-1", "flaky-marker-2"));
		ids.forEach((id) -> {
			assertThat(listeners.flakyProcessed.get(id)).as("processed %s", id).hasValue(1);
			assertThat(listeners.flakyCalls.get(id)).as("listener calls for %s", id).hasValue(2);
		});
		assertThat(listeners.flakyAttempts).containsOnly(1, 2);
	}

	@Test
	void requestIsAnsweredByTheListenersReturnValue() {
		Quote quote = events().quote(new QuoteRequest("sku-1", 4));
		assertThat(quote).isEqualTo(new Quote("sku-1", 12));
		List<CompletableFuture<Quote>> quotes = IntStream.range(0, 20)
			.mapToObj((i) -> events().quoteAsync(new QuoteRequest("sku-" + i, i)))
			.toList();
		for (int i = 0; i < quotes.size(); i++) {
			assertThat(quotes.get(i).join()).isEqualTo(new Quote("sku-" + i, 3 * i));
		}
	}

	@Test
	void requestWithoutReplyTimesOutAtTheChannelsRequestTimeout() {
		long start = System.nanoTime();
		assertThatExceptionOfType(ReplyTimeoutException.class)
			.isThrownBy(() -> events().unanswered(new QuoteRequest("sku-silent", 1)))
			.withMessageContaining("500");
		Duration waited = Duration.ofNanos(System.nanoTime() - start);
		assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(450)).isLessThan(Duration.ofMillis(1500));
		await().atMost(WAIT).until(() -> listeners().unanswered.contains("sku-silent"));
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> events().unansweredAsync(new QuoteRequest("sku-silent-async", 1)).get(5, TimeUnit.SECONDS))
			.withCauseInstanceOf(ReplyTimeoutException.class);
	}

	record Order(String id) {
	}

	record Step(String key, int sequence) {
	}

	record TypedHeaders(int priority, Long big, boolean flag, Object label, BigDecimal price, byte[] bytes,
			MessageContext context) {
	}

	record QuoteRequest(String sku, int quantity) {
	}

	record Quote(String sku, int price) {
	}

	@ChannelClient
	interface Events {

		@Publish("orders")
		CompletableFuture<Void> placed(@MessageKey String key, Order order, @MessageHeader("tenant") String tenant);

		@Publish("typed")
		CompletableFuture<Void> typed(Order order, @MessageHeader("priority") int priority,
				@MessageHeader("big") long big, @MessageHeader("flag") boolean flag,
				@MessageHeader("label") String label, @MessageHeader("price") BigDecimal price,
				@MessageHeader("bytes") byte[] bytes);

		@Publish("ordered")
		CompletableFuture<Void> step(@MessageKey String key, Step step);

		@Publish("shipments")
		CompletableFuture<Void> shipped(@MessageKey String key, Order order);

		@Publish("quotes")
		Quote quote(QuoteRequest request);

		@Publish("quotes")
		CompletableFuture<Quote> quoteAsync(QuoteRequest request);

		@Publish("unanswered")
		Quote unanswered(QuoteRequest request);

		@Publish("unanswered")
		CompletableFuture<Quote> unansweredAsync(QuoteRequest request);

	}

	static class Listeners {

		final BlockingQueue<MessageContext> orders = new LinkedBlockingQueue<>();

		final BlockingQueue<TypedHeaders> typed = new LinkedBlockingQueue<>();

		final Map<String, List<Integer>> sequences = new ConcurrentHashMap<>();

		final Set<String> sequenceThreads = ConcurrentHashMap.newKeySet();

		final Queue<String> shipped = new ConcurrentLinkedQueue<>();

		final AtomicInteger poisonAttempts = new AtomicInteger();

		final BlockingQueue<Message> deadLetters = new LinkedBlockingQueue<>();

		final Map<String, AtomicInteger> flakyCalls = new ConcurrentHashMap<>();

		final Map<String, AtomicInteger> flakyProcessed = new ConcurrentHashMap<>();

		final Queue<Integer> flakyAttempts = new ConcurrentLinkedQueue<>();

		@Nullable Message deadLetter(String id) throws InterruptedException {
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (System.nanoTime() < deadline) {
				Message message = this.deadLetters.poll(100, TimeUnit.MILLISECONDS);
				if (message != null && message.getId().equals(id)) {
					return message;
				}
			}
			return null;
		}

		@ChannelListener("orders")
		void order(Order order, MessageContext context) {
			this.orders.add(context);
		}

		@ChannelListener("typed")
		void typed(Order order, @MessageHeader("priority") int priority, @MessageHeader("big") Long big,
				@MessageHeader("flag") boolean flag, @MessageHeader("label") Object label,
				@MessageHeader("price") BigDecimal price, @MessageHeader("bytes") byte[] bytes,
				MessageContext context) {
			this.typed.add(new TypedHeaders(priority, big, flag, label, price, bytes, context));
		}

		@ChannelListener("ordered")
		void step(Step step, @MessageKey String key) {
			this.sequenceThreads.add(Thread.currentThread().getName());
			this.sequences.computeIfAbsent(key, (name) -> new CopyOnWriteArrayList<>()).add(step.sequence());
		}

		@ChannelListener("shipments")
		void ship(Order order) {
			if (order.id().startsWith("poison")) {
				this.poisonAttempts.incrementAndGet();
				throw new IllegalStateException("warehouse rejected " + order.id());
			}
			this.shipped.add(order.id());
		}

		@ChannelListener("shipments-dlq")
		void deadLetter(Message message) {
			this.deadLetters.add(message);
		}

		@ChannelListener("flaky")
		void flaky(Order order, MessageContext context) {
			this.flakyAttempts.add(context.getDeliveryAttempt());
			if (this.flakyCalls.computeIfAbsent(order.id(), (id) -> new AtomicInteger()).incrementAndGet() == 1) {
				throw new IllegalStateException("first attempt of " + order.id() + " fails");
			}
			this.flakyProcessed.computeIfAbsent(order.id(), (id) -> new AtomicInteger()).incrementAndGet();
		}

		@ChannelListener("quotes")
		Quote price(QuoteRequest request) {
			return new Quote(request.sku(), request.quantity() * 3);
		}

		final Queue<String> unanswered = new ConcurrentLinkedQueue<>();

		@ChannelListener("unanswered")
		@Nullable Quote ignore(QuoteRequest request) {
			// Received, never answered: the requester must time out.
			this.unanswered.add(request.sku());
			return null;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ JacksonAutoConfiguration.class, KafkaAutoConfiguration.class,
			RabbitAutoConfiguration.class, KafkaChannelBinderAutoConfiguration.class,
			RabbitChannelBinderAutoConfiguration.class, ChannelAutoConfiguration.class,
			IdempotencyStoreAutoConfiguration.class })
	@EnableChannelClients(clients = Events.class)
	static class TestApplication {

		@Bean
		Listeners listeners() {
			return new Listeners();
		}

		/**
		 * A RabbitMQ consumer thread waits for its next delivery at most this long, and the context, when it
		 * closes, waits for the consumer threads of each channel in turn: 1 s at most each by default.
		 * @return the customizer of the RabbitMQ binder's containers
		 */
		@Bean
		ContainerCustomizer<SimpleMessageListenerContainer> quickStop() {
			return (container) -> container.setReceiveTimeout(100);
		}

	}

}
