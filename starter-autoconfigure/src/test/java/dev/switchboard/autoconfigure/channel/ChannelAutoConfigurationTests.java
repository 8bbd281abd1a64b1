package dev.switchboard.autoconfigure.channel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.switchboard.autoconfigure.channel.scanned.ScannedConfiguration;
import dev.switchboard.autoconfigure.channel.dedup.IdempotencyStoreAutoConfiguration;
import dev.switchboard.autoconfigure.channel.scanned.ScannedEvents;
import dev.switchboard.core.annotation.ChannelClient;
import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.annotation.MessageHeader;
import dev.switchboard.core.annotation.MessageKey;
import dev.switchboard.core.annotation.Publish;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.IdempotencyStore;
import dev.switchboard.core.channel.InMemoryChannelBinder;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.ReplyTimeoutException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ChannelAutoConfiguration}: publishing and consuming through Spring over the in-memory binder.
 *
 * @author Switchboard
 */
class ChannelAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withPropertyValues("spring.application.name=orders-service")
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ChannelAutoConfiguration.class,
				IdempotencyStoreAutoConfiguration.class));

	@Test
	void publishedMessageReachesListenerWithKeyHeadersAndAttempt() {
		this.contextRunner.withUserConfiguration(OrderConfiguration.class).run((context) -> {
			OrderEvents events = context.getBean(OrderEvents.class);
			OrderListener listener = context.getBean(OrderListener.class);
			events.placed("order-1", new OrderPlaced("order-1", 1), "acme");
			events.placedAsync("order-2", new OrderPlaced("order-2", 2)).get(5, TimeUnit.SECONDS);
			await().atMost(WAIT).untilAsserted(() -> assertThat(listener.received).hasSize(2));
			assertThat(listener.received).extracting(OrderPlaced::orderId).containsExactlyInAnyOrder("order-1", "order-2");
			MessageContext first = listener.contexts.stream()
				.filter((context1) -> "order-1".equals(context1.getKey()))
				.findFirst()
				.orElseThrow();
			assertThat(first.getChannel()).isEqualTo("orders");
			assertThat(first.getDestination().name()).isEqualTo("orders");
			assertThat(first.getGroup()).isEqualTo("orders-service");
			assertThat(first.getHeader("tenant")).isEqualTo("acme");
			// No Java class name on the wire: OrderPlaced has no @MessageType.
			assertThat(first.getHeader(Message.TYPE_HEADER)).isNull();
			assertThat(first.getMessageId()).isNotBlank();
			assertThat(first.getDeliveryAttempt()).isEqualTo(1);
			assertThat(listener.tenants).contains("acme");
		});
	}

	@Test
	void configuredDestinationAndGroupAreUsed() {
		this.contextRunner.withUserConfiguration(OrderConfiguration.class)
			.withPropertyValues("switchboard.channels.orders.destination=orders.v1",
					"switchboard.channels.orders.group=mailer")
			.run((context) -> {
				context.getBean(OrderEvents.class).placed("order-1", new OrderPlaced("order-1", 1), null);
				OrderListener listener = context.getBean(OrderListener.class);
				await().atMost(WAIT).untilAsserted(() -> assertThat(listener.contexts).hasSize(1));
				MessageContext received = listener.contexts.get(0);
				assertThat(received.getDestination()).isEqualTo(new ChannelDestination("orders", "orders.v1"));
				assertThat(received.getGroup()).isEqualTo("mailer");
				assertThat(received.getHeaders()).doesNotContainKey("tenant");
			});
	}

	@Test
	void everyGroupReceivesEachMessageAndWithinAGroupOneListenerDoes() {
		this.contextRunner.withUserConfiguration(GroupsConfiguration.class).run((context) -> {
			AuditEvents events = context.getBean(AuditEvents.class);
			for (int i = 0; i < 20; i++) {
				events.audit("entry-" + i, new OrderPlaced("entry-" + i, i));
			}
			GroupListener groupA1 = context.getBean("groupA1", GroupListener.class);
			GroupListener groupA2 = context.getBean("groupA2", GroupListener.class);
			GroupListener groupB = context.getBean("groupB", GroupListener.class);
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(groupA1.received.size() + groupA2.received.size()).isEqualTo(20);
				assertThat(groupB.received).hasSize(20);
			});
			List<String> groupA = new ArrayList<>(groupA1.received);
			groupA.addAll(groupA2.received);
			assertThat(groupA).doesNotHaveDuplicates();
			// Different keys spread over the group's two listeners, as over a group's consumers on a broker.
			assertThat(groupA1.received).isNotEmpty();
			assertThat(groupA2.received).isNotEmpty();
			assertThat(groupB.received).doesNotHaveDuplicates();
		});
	}

	@Test
	void messagesWithTheSameKeyAreProcessedInPublicationOrder() {
		this.contextRunner.withUserConfiguration(LedgerConfiguration.class)
			.withPropertyValues("switchboard.channels.ledger.concurrency=4")
			.run((context) -> {
				LedgerEvents events = context.getBean(LedgerEvents.class);
				List<String> accounts = List.of("a", "b", "c", "d", "e", "f");
				for (int sequence = 0; sequence < 50; sequence++) {
					for (String account : accounts) {
						events.posted(account, new Posting(account, sequence));
					}
				}
				LedgerListener listener = context.getBean(LedgerListener.class);
				await().atMost(WAIT).untilAsserted(() -> assertThat(listener.total()).isEqualTo(300));
				List<Integer> expected = IntStream.range(0, 50).boxed().toList();
				for (String account : accounts) {
					assertThat(listener.sequences.get(account)).as("account %s", account).isEqualTo(expected);
				}
				assertThat(listener.threads).as("consumer threads").hasSizeGreaterThan(1);
			});
	}

	@Test
	void duplicateMessageIdIsAcknowledgedWithoutCallingTheListener() {
		this.contextRunner.withUserConfiguration(OrderConfiguration.class).run((context) -> {
			InMemoryChannelBinder binder = context.getBean(InMemoryChannelBinder.class);
			ChannelMessageConverter converter = context.getBean(ChannelMessageConverter.class);
			Message first = converter.toMessage(new OrderPlaced("order-1", 1), "order-1", Map.of())
				.mutate()
				.id("message-1")
				.build();
			Message second = converter.toMessage(new OrderPlaced("order-1", 2), "order-1", Map.of())
				.mutate()
				.id("message-2")
				.build();
			ChannelDestination orders = ChannelDestination.of("orders");
			binder.send(orders, first).join();
			binder.send(orders, first).join();
			binder.send(orders, second).join();
			OrderListener listener = context.getBean(OrderListener.class);
			// Same key, so processed in order: once the second arrives, the duplicate was already skipped.
			await().atMost(WAIT).untilAsserted(() -> assertThat(listener.received).extracting(OrderPlaced::sequence)
				.contains(2));
			assertThat(listener.contexts).extracting(MessageContext::getMessageId)
				.containsExactly("message-1", "message-2");
		});
	}

	@Test
	void duplicatesAreProcessedWhenDeduplicationIsDisabled() {
		this.contextRunner.withUserConfiguration(OrderConfiguration.class)
			.withPropertyValues("switchboard.channel-deduplication.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(IdempotencyStore.class);
				InMemoryChannelBinder binder = context.getBean(InMemoryChannelBinder.class);
				Message message = context.getBean(ChannelMessageConverter.class)
					.toMessage(new OrderPlaced("order-1", 1), "order-1", Map.of());
				binder.send(ChannelDestination.of("orders"), message).join();
				binder.send(ChannelDestination.of("orders"), message).join();
				OrderListener listener = context.getBean(OrderListener.class);
				await().atMost(WAIT).untilAsserted(() -> assertThat(listener.received).hasSize(2));
			});
	}

	@Test
	void requestReplyReturnsTheListenersReturnValue() {
		this.contextRunner.withUserConfiguration(PricingConfiguration.class).run((context) -> {
			PricingClient pricing = context.getBean(PricingClient.class);
			assertThat(pricing.quote(new QuoteRequest("sku-1", 4))).isEqualTo(new Quote("sku-1", 12));
			CompletableFuture<Quote> quote = pricing.quoteAsync(new QuoteRequest("sku-2", 5));
			assertThat(quote.get(5, TimeUnit.SECONDS)).isEqualTo(new Quote("sku-2", 15));
			assertThat(pricing.quotes(new QuoteRequest("sku-3", 1))).containsExactly(new Quote("sku-3", 3));
		});
	}

	@Test
	void requestWithoutListenerTimesOutNamingTheChannel() {
		this.contextRunner.withUserConfiguration(PricingConfiguration.class)
			.withPropertyValues("switchboard.channels.nobody-home.request-timeout=150ms")
			.run((context) -> {
				PricingClient pricing = context.getBean(PricingClient.class);
				long start = System.nanoTime();
				assertThatExceptionOfType(ReplyTimeoutException.class)
					.isThrownBy(() -> pricing.unanswered(new QuoteRequest("sku-1", 1)))
					.withMessageContaining("'nobody-home'")
					.withMessageContaining("150 ms");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(150),
						Duration.ofSeconds(3));
			});
	}

	@Test
	void clientsInAutoConfigurationPackagesAreRegisteredWithoutEnableChannelClients() {
		this.contextRunner.withUserConfiguration(ScannedConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ScannedEvents.class);
			assertThat(context).doesNotHaveBean(OrderEvents.class);
			assertThat(context.getBean(ScannedEvents.class).toString()).contains(ScannedEvents.class.getName());
		});
	}

	@Test
	void applicationBeanOfTheClientTypeReplacesTheProxy() {
		ScannedEvents stub = (note) -> {
		};
		this.contextRunner.withBean(ScannedEvents.class, () -> stub)
			.withUserConfiguration(ScannedConfiguration.class)
			.run((context) -> assertThat(context).getBean(ScannedEvents.class).isSameAs(stub));
	}

	@Test
	void listenersAreUnsubscribedWhenTheContextCloses() {
		this.contextRunner.withUserConfiguration(OrderConfiguration.class).run((context) -> {
			ChannelListenerRegistry registry = context.getBean(ChannelListenerRegistry.class);
			assertThat(registry.getSubscriptions()).hasSize(1);
			registry.stop();
			assertThat(registry.getSubscriptions()).isEmpty();
			assertThat(registry.isRunning()).isFalse();
		});
	}

	record OrderPlaced(String orderId, int sequence) {
	}

	record Posting(String account, int sequence) {
	}

	record QuoteRequest(String sku, int quantity) {
	}

	record Quote(String sku, int price) {
	}

	@ChannelClient
	interface OrderEvents {

		@Publish("orders")
		void placed(@MessageKey String orderId, OrderPlaced event, @MessageHeader("tenant") String tenant);

		@Publish("orders")
		CompletableFuture<Void> placedAsync(@MessageKey String orderId, OrderPlaced event);

	}

	@ChannelClient
	interface AuditEvents {

		@Publish("audit")
		void audit(@MessageKey String key, OrderPlaced event);

	}

	@ChannelClient
	interface LedgerEvents {

		@Publish("ledger")
		void posted(@MessageKey String account, Posting posting);

	}

	@ChannelClient
	interface PricingClient {

		@Publish("quotes")
		Quote quote(QuoteRequest request);

		@Publish("quotes")
		CompletableFuture<Quote> quoteAsync(QuoteRequest request);

		@Publish("quote-lists")
		List<Quote> quotes(QuoteRequest request);

		@Publish("nobody-home")
		Quote unanswered(QuoteRequest request);

	}

	static class OrderListener {

		final List<OrderPlaced> received = new CopyOnWriteArrayList<>();

		final List<MessageContext> contexts = new CopyOnWriteArrayList<>();

		final List<String> tenants = new CopyOnWriteArrayList<>();

		@ChannelListener("orders")
		void on(OrderPlaced event, MessageContext context, @MessageHeader("tenant") String tenant) {
			this.received.add(event);
			this.contexts.add(context);
			if (tenant != null) {
				this.tenants.add(tenant);
			}
		}

	}

	static class GroupListener {

		final List<String> received = new CopyOnWriteArrayList<>();

		void record(OrderPlaced event) {
			this.received.add(event.orderId());
		}

	}

	static class GroupAListener extends GroupListener {

		@ChannelListener(value = "audit", group = "a")
		void on(OrderPlaced event) {
			record(event);
		}

	}

	static class GroupBListener extends GroupListener {

		@ChannelListener(channel = "audit", group = "b")
		void on(OrderPlaced event) {
			record(event);
		}

	}

	static class LedgerListener {

		final Map<String, List<Integer>> sequences = new ConcurrentHashMap<>();

		final java.util.Set<String> threads = ConcurrentHashMap.newKeySet();

		@ChannelListener("ledger")
		void on(Posting posting, @MessageKey String account) {
			this.threads.add(Thread.currentThread().getName());
			this.sequences.computeIfAbsent(account, (key) -> new CopyOnWriteArrayList<>()).add(posting.sequence());
		}

		int total() {
			return this.sequences.values().stream().mapToInt(List::size).sum();
		}

	}

	static class PricingListener {

		@ChannelListener("quotes")
		Quote price(QuoteRequest request) {
			return new Quote(request.sku(), request.quantity() * 3);
		}

		@ChannelListener("quote-lists")
		List<Quote> prices(QuoteRequest request) {
			return List.of(price(request));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableChannelClients(clients = OrderEvents.class)
	static class OrderConfiguration {

		@Bean
		OrderListener orderListener() {
			return new OrderListener();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableChannelClients(clients = AuditEvents.class)
	static class GroupsConfiguration {

		@Bean
		GroupAListener groupA1() {
			return new GroupAListener();
		}

		@Bean
		GroupAListener groupA2() {
			return new GroupAListener();
		}

		@Bean
		GroupBListener groupB() {
			return new GroupBListener();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableChannelClients(clients = LedgerEvents.class)
	static class LedgerConfiguration {

		@Bean
		LedgerListener ledgerListener() {
			return new LedgerListener();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableChannelClients(clients = PricingClient.class)
	static class PricingConfiguration {

		@Bean
		PricingListener pricingListener() {
			return new PricingListener();
		}

	}

}
