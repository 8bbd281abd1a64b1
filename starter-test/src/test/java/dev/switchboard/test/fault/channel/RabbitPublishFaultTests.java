package dev.switchboard.test.fault.channel;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.switchboard.autoconfigure.channel.ChannelAutoConfiguration;
import dev.switchboard.autoconfigure.channel.EnableChannelClients;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinderAutoConfiguration;
import dev.switchboard.test.fault.FaultProxy;
import dev.switchboard.test.fault.channel.PublishLoad.Outcome;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Publishing to RabbitMQ through a {@link FaultProxy} that black-holes or resets the binder's connections while
 * an application publishes at a steady rate, with and without waiting for each publish. Whatever the fault, every
 * publish completes by its deadline plus a second, pending publishes stay within {@code max-pending}, no confirmed
 * message is lost, no message reported as not published is ever delivered, and publishing resumes by itself. A
 * consumer connected to the broker directly (not through the proxy) sees what really arrived.
 *
 * @author Switchboard
 */
class RabbitPublishFaultTests {

	private static final Duration DEADLINE = Duration.ofSeconds(1);

	private static final int MAX_PENDING = 200;

	private final String suffix = UUID.randomUUID().toString().substring(0, 8);

	private final String exchange = "faults-" + this.suffix;

	private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();

	private FaultProxy proxy;

	private Connection direct;

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void awaitIgnoresClientThreads() {
		// Spring AMQP's and Kafka's own threads throw uncaught exceptions while a broker is unreachable (a channel
		// closed under a deferred close, a connection refused): they are the fault, not a failed assertion.
		Awaitility.doNotCatchUncaughtExceptionsByDefault();
	}

	@AfterAll
	static void resetAwait() {
		Awaitility.reset();
	}

	@BeforeEach
	void start() throws IOException, TimeoutException {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost("127.0.0.1");
		this.direct = factory.newConnection("fault-test-witness");
		Channel channel = this.direct.createChannel();
		channel.exchangeDeclare(this.exchange, "topic", true);
		String queue = this.exchange + ".witness";
		channel.queueDeclare(queue, true, false, false, null);
		channel.queueBind(queue, this.exchange, "#");
		channel.basicConsume(queue, true, new DefaultConsumer(channel) {
			@Override
			public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
				Object id = properties.getHeaders().get("load-id");
				RabbitPublishFaultTests.this.received
					.computeIfAbsent(String.valueOf(id), (key) -> new AtomicInteger())
					.incrementAndGet();
			}
		});
		this.proxy = FaultProxy.start("127.0.0.1", 5672);
		this.context = new SpringApplicationBuilder(FaultApplication.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=faults-" + this.suffix,
					// Not the test application.yml of this module.
					"spring.config.name=channel-faults", "spring.rabbitmq.host=127.0.0.1",
					"spring.rabbitmq.port=" + this.proxy.getPort(),
					// A silent broker is noticed after two missed heartbeats.
					"spring.rabbitmq.requested-heartbeat=1s", "spring.rabbitmq.connection-timeout=1s",
					"spring.rabbitmq.channel-rpc-timeout=2s", "switchboard.channels.events.binder=rabbit",
					"switchboard.channels.events.destination=" + this.exchange,
					"switchboard.channels.events.request-timeout=" + DEADLINE.toMillis() + "ms",
					"switchboard.channel-binders.rabbit.max-pending=" + MAX_PENDING,
					"switchboard.channel-binders.rabbit.publish-backoff=100ms")
			.run();
	}

	@AfterEach
	void stop() throws IOException {
		if (this.context != null) {
			this.context.close();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
		if (this.direct != null) {
			try (Channel channel = this.direct.createChannel()) {
				channel.queueDelete(this.exchange + ".witness");
				channel.exchangeDelete(this.exchange);
			}
			catch (TimeoutException ex) {
				// Left for the broker's owner: names are unique to this run.
			}
			this.direct.close();
		}
	}

	@Test
	void blackHoledBrokerFailsPublishesByTheirDeadlineLosesNothingAndPublishingResumes() throws Exception {
		PublishLoad load = load();
		load.start(Duration.ofMillis(4));
		load.awaitConfirmed(50);
		long faultStart = System.nanoTime();
		long connectionsBefore = this.proxy.getAcceptedConnections();
		this.proxy.blackHole();
		// Held for several deadlines, until the binder gave its silent connection up (missed heartbeats) and tried
		// another, and publishes were withdrawn.
		await().atMost(Duration.ofSeconds(30))
			.until(() -> System.nanoTime() - faultStart > DEADLINE.multipliedBy(4).toNanos()
					&& this.proxy.getAcceptedConnections() > connectionsBefore
					&& load.count(Outcome.NOT_PUBLISHED, faultStart) >= 20);
		long droppedDuringFault = this.proxy.getDroppedBytes();
		this.proxy.pass();
		long recovered = System.nanoTime();
		// Publishing resumes by itself.
		await().atMost(Duration.ofSeconds(30)).until(() -> load.count(Outcome.CONFIRMED, recovered) >= 50);
		load.stop();
		assertThat(droppedDuringFault).as("bytes the black hole dropped").isPositive();
		assertThat(load.count(Outcome.NOT_PUBLISHED, faultStart) + load.count(Outcome.UNKNOWN, faultStart))
			.as("publishes that failed during the fault").isPositive();
		assertTruthful(load);
	}

	@Test
	void resetConnectionsFailPublishesByTheirDeadlineLoseNothingAndPublishingResumes() throws Exception {
		PublishLoad load = load();
		load.start(Duration.ofMillis(4));
		load.awaitConfirmed(50);
		int reset = 0;
		for (int i = 0; i < 6; i++) {
			// Each time the binder has reconnected and published again.
			long before = System.nanoTime();
			await().atMost(Duration.ofSeconds(30)).until(() -> load.count(Outcome.CONFIRMED, before) >= 10);
			reset += this.proxy.resetConnections();
		}
		long recovered = System.nanoTime();
		await().atMost(Duration.ofSeconds(30)).until(() -> load.count(Outcome.CONFIRMED, recovered) >= 50);
		load.stop();
		assertThat(reset).as("connections the proxy reset").isGreaterThanOrEqualTo(6);
		assertTruthful(load);
	}

	private PublishLoad load() {
		return PublishLoad.of(this.context.getBean(LoadEvents.class),
				this.context.getBean(RabbitChannelBinder.class)::pendingPublishes);
	}

	private void assertTruthful(PublishLoad load) {
		String summary = load.assertTruthful(DEADLINE, MAX_PENDING, this.received);
		System.out.println("RabbitMQ fault: " + summary + ", proxy dropped " + this.proxy.getDroppedBytes()
				+ " bytes, reset " + this.proxy.getResets());
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ JacksonAutoConfiguration.class, RabbitAutoConfiguration.class,
			RabbitChannelBinderAutoConfiguration.class, ChannelAutoConfiguration.class })
	@EnableChannelClients(clients = LoadEvents.class)
	static class FaultApplication {

	}

}
