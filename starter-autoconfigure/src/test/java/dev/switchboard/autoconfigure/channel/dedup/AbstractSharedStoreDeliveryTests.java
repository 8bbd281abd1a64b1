package dev.switchboard.autoconfigure.channel.dedup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.switchboard.autoconfigure.channel.ChannelAutoConfiguration;
import dev.switchboard.autoconfigure.channel.ChannelMessageConverter;
import dev.switchboard.autoconfigure.channel.ChannelRegistry;
import dev.switchboard.autoconfigure.channel.ChannelSettings;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinderAutoConfiguration;
import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.channel.IdempotentConsumer;
import dev.switchboard.core.channel.Message;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.config.ContainerCustomizer;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of a consumer application on RabbitMQ (127.0.0.1:5672), one consumer group, sharing an idempotency
 * store: every message is delivered twice with the same id, the copies spread over both instances (and often
 * running at the same time), and each message is processed exactly once. The same run with the in-memory store
 * processes copies that land on the other instance again, which shows the test can fail.
 *
 * @author Switchboard
 */
abstract class AbstractSharedStoreDeliveryTests {

	private static final int MESSAGES = 200;

	/** Processings by message id, each as the instance that ran the listener; shared by both contexts. */
	static final Map<String, List<String>> processings = new ConcurrentHashMap<>();

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	/** The properties that choose and point at the shared store. */
	abstract List<String> storeProperties(String run);

	/** Deletes what the run left in the store. */
	abstract void cleanUpStore(ConfigurableApplicationContext context, String run) throws Exception;

	@Test
	void duplicatesDeliveredToEitherInstanceAreProcessedOnce() throws Exception {
		startInstances(storeProperties(this.run));
		deliverEachMessageTwice();
		await("every message processed and every copy acknowledged").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> processings.size() == MESSAGES && count("duplicate") == MESSAGES);

		// RabbitMQ alternates deliveries between the two consumers, so one instance received the first copies and
		// the other the second copies: every skip happened on the instance that did not process the message.
		assertThat(countOn(0, "duplicate") + countOn(1, "duplicate")).isEqualTo(MESSAGES);
		// Exactly once: no message ran twice, on one instance or across both.
		assertThat(processings.values()).allSatisfy((instances) -> assertThat(instances).hasSize(1));
		assertThat(count("claimed")).isEqualTo(MESSAGES);
		assertThat(count("reclaimed")).isZero();
		System.out.printf("shared-store %s: messages=%d duplicatesSkipped=%.0f waitedForOtherInstance=%.0f%n",
				getClass().getSimpleName(), MESSAGES, count("duplicate"), count("waiting"));
	}

	@Test
	void withAStoreInEachInstanceDuplicatesThatLandOnTheOtherInstanceAreProcessedAgain() throws Exception {
		startInstances(List.of("switchboard.channel-deduplication.store=memory"));
		deliverEachMessageTwice();
		await("every copy processed or skipped").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> processings.values().stream().mapToInt(List::size).sum() + count("duplicate") == 2 * MESSAGES);
		assertThat(processings.values()).anySatisfy((instances) -> assertThat(instances).containsExactlyInAnyOrder("0", "1"));
	}

	private void startInstances(List<String> storeProperties) {
		processings.clear();
		for (int instance = 0; instance < 2; instance++) {
			List<String> properties = new ArrayList<>(storeProperties);
			properties.addAll(List.of("spring.rabbitmq.host=127.0.0.1", "spring.rabbitmq.port=5672",
					"switchboard.channel-defaults.binder=rabbit", "switchboard.channels.orders.destination=" + destination(),
					"switchboard.channels.orders.group=shared-store", "switchboard.channels.orders.concurrency=1",
					// One consumer per instance: RabbitMQ alternates between them, so the two copies of a message,
					// sent back to back, go to different instances.
					"consumer.instance=" + instance));
			this.instances.add(new SpringApplicationBuilder(ConsumerApplication.class).web(WebApplicationType.NONE)
				.properties(properties.toArray(String[]::new))
				.run());
		}
	}

	private void deliverEachMessageTwice() throws Exception {
		ConfigurableApplicationContext publisher = this.instances.get(0);
		ChannelRegistry registry = publisher.getBean(ChannelRegistry.class);
		ChannelSettings settings = registry.getSettings("orders");
		ChannelMessageConverter converter = publisher.getBean(ChannelMessageConverter.class);
		List<CompletableFuture<Void>> sends = new ArrayList<>();
		for (int seq = 0; seq < MESSAGES; seq++) {
			Message message = converter.toMessage(new OrderPlaced(seq), "order-" + seq, Map.of())
				.mutate()
				.id(this.run + "-" + seq)
				.build();
			// Back to back: the second copy often arrives while the first still runs on the other instance.
			sends.add(registry.getBinder(settings).send(settings.destination(), message));
			sends.add(registry.getBinder(settings).send(settings.destination(), message));
		}
		CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
	}

	private double count(String outcome) {
		return countOn(0, outcome) + countOn(1, outcome);
	}

	private double countOn(int instance, String outcome) {
		MeterRegistry registry = this.instances.get(instance).getBean(MeterRegistry.class);
		return Search.in(registry)
			.name(MicrometerDeduplicationListener.METER)
			.tag("outcome", outcome)
			.counters()
			.stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	private String destination() {
		return "switchboard-dedup-" + this.run;
	}

	/** The instances whose store the test chose, for the clean-up. */
	final boolean usesStore(ConfigurableApplicationContext context, String type) {
		return context.getBean(IdempotentConsumer.class).getStore().type().equals(type);
	}

	@AfterEach
	void stopInstances() throws Exception {
		try {
			if (!this.instances.isEmpty()) {
				cleanUpStore(this.instances.get(0), this.run);
			}
		}
		finally {
			this.instances.forEach(ConfigurableApplicationContext::close);
			CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1", 5672);
			try {
				RabbitAdmin admin = new RabbitAdmin(connectionFactory);
				admin.deleteQueue(destination() + ".shared-store");
				admin.deleteQueue(destination() + ".dlq");
				admin.deleteExchange(destination());
				admin.deleteExchange(destination() + ".dlq");
			}
			finally {
				connectionFactory.destroy();
			}
		}
	}

	record OrderPlaced(int seq) {
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ JacksonAutoConfiguration.class, RabbitAutoConfiguration.class,
			DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, DataRedisAutoConfiguration.class,
			RabbitChannelBinderAutoConfiguration.class, ChannelAutoConfiguration.class,
			IdempotencyStoreAutoConfiguration.class })
	static class ConsumerApplication {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		/**
		 * Each consumer thread waits for its next delivery at most this long, and a closing context waits for its
		 * consumer threads: 1 s by default, paid by each of the two instances at the end of every test.
		 * @return the customizer
		 */
		@Bean
		ContainerCustomizer<SimpleMessageListenerContainer> quickStop() {
			return (container) -> container.setReceiveTimeout(100);
		}

		@Bean
		OrderListener orderListener(org.springframework.core.env.Environment environment) {
			return new OrderListener(environment.getRequiredProperty("consumer.instance"));
		}

	}

	static class OrderListener {

		private final String instance;

		OrderListener(String instance) {
			this.instance = instance;
		}

		@ChannelListener("orders")
		void on(OrderPlaced order, dev.switchboard.core.channel.MessageContext context) throws InterruptedException {
			Thread.sleep(5); // work, so that copies overlap
			processings.computeIfAbsent(context.getMessageId(), (id) -> new CopyOnWriteArrayList<>()).add(this.instance);
		}

	}

}
