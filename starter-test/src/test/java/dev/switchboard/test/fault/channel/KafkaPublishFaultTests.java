package dev.switchboard.test.fault.channel;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.switchboard.autoconfigure.channel.ChannelAutoConfiguration;
import dev.switchboard.autoconfigure.channel.EnableChannelClients;
import dev.switchboard.autoconfigure.channel.kafka.KafkaChannelBinder;
import dev.switchboard.autoconfigure.channel.kafka.KafkaChannelBinderAutoConfiguration;
import dev.switchboard.core.channel.MessageNotPublishedException;
import dev.switchboard.test.fault.FaultProxy;
import dev.switchboard.test.fault.channel.PublishLoad.Outcome;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Publishing to Kafka while the broker's port stops answering, through a {@link FaultProxy}: the embedded broker
 * advertises the proxy's port, so every client connection goes through it. "Stopped" resets open connections and
 * refuses new ones, as a stopped broker's port does, then lets them through again on the same port (the broker
 * keeps its log, as a restarted one does); "black-holed" accepts connections and drops every byte. Whatever the
 * fault, every publish completes by its deadline plus a second, pending publishes stay within
 * {@code max-pending}, no confirmed record is lost, no record reported as not published is ever delivered, and
 * publishing resumes by itself.
 *
 * @author Switchboard
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaPublishFaultTests {

	private static final Duration DEADLINE = Duration.ofSeconds(1);

	private static final int MAX_PENDING = 200;

	private EmbeddedKafkaKraftBroker broker;

	private FaultProxy proxy;

	private String topic;

	private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();

	private ConfigurableApplicationContext context;

	private Thread witness;

	private volatile boolean witnessing;

	@BeforeAll
	void startBroker() throws IOException {
		// The clients' own threads may throw uncaught exceptions while the broker is unreachable: they are the
		// fault, not a failed assertion.
		Awaitility.doNotCatchUncaughtExceptionsByDefault();
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		this.broker = new EmbeddedKafkaKraftBroker(1, 3);
		// Clients learn the proxy's address from the broker's metadata: all their traffic goes through it.
		this.broker.brokerProperty("advertised.listeners", "EXTERNAL://127.0.0.1:" + port);
		this.broker.afterPropertiesSet();
		String brokers = this.broker.getBrokersAsString();
		int brokerPort = Integer.parseInt(brokers.substring(brokers.lastIndexOf(':') + 1));
		this.proxy = FaultProxy.start(port, "127.0.0.1", brokerPort);
	}

	@AfterAll
	void stopBroker() {
		Awaitility.reset();
		if (this.proxy != null) {
			this.proxy.close();
		}
		if (this.broker != null) {
			this.broker.destroy();
		}
	}

	@BeforeEach
	void startApplication() {
		this.proxy.pass();
		this.received.clear();
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		this.topic = "faults-" + suffix;
		this.context = new SpringApplicationBuilder(FaultApplication.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=faults-" + suffix,
					// Not the test application.yml of this module.
					"spring.config.name=channel-faults", "spring.kafka.bootstrap-servers=" + this.proxy.getAddress(),
					"spring.kafka.producer.properties.reconnect.backoff.max.ms=500",
					"spring.kafka.admin.properties.reconnect.backoff.max.ms=500",
					"switchboard.channels.events.binder=kafka", "switchboard.channels.events.destination=" + this.topic,
					"switchboard.channels.events.request-timeout=" + DEADLINE.toMillis() + "ms",
					"switchboard.channel-binders.kafka.max-pending=" + MAX_PENDING)
			.run();
	}

	@AfterEach
	void stopApplication() throws InterruptedException {
		this.witnessing = false;
		if (this.witness != null) {
			this.witness.join(10_000);
		}
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void stoppedBrokerFailsPublishesByTheirDeadlineLosesNothingAndPublishingResumes() throws Exception {
		PublishLoad load = load();
		load.start(Duration.ofMillis(4));
		load.awaitConfirmed(50);
		startWitness();
		long faultStart = System.nanoTime();
		this.proxy.refuse();
		awaitFailures(load, faultStart);
		long resets = this.proxy.getResets();
		this.proxy.pass();
		awaitResumed(load);
		load.stop();
		assertThat(resets).as("connections reset or refused while the broker was stopped").isPositive();
		assertTruthful(load);
	}

	@Test
	void blackHoledBrokerFailsPublishesByTheirDeadlineLosesNothingAndPublishingResumes() throws Exception {
		PublishLoad load = load();
		load.start(Duration.ofMillis(4));
		load.awaitConfirmed(50);
		startWitness();
		long faultStart = System.nanoTime();
		this.proxy.blackHole();
		awaitFailures(load, faultStart);
		long dropped = this.proxy.getDroppedBytes();
		this.proxy.pass();
		awaitResumed(load);
		load.stop();
		assertThat(dropped).as("bytes the black hole dropped").isPositive();
		assertTruthful(load);
	}

	@Test
	void publishToATopicNotCreatedYetWhileTheBrokerIsStoppedNeverBlocksItsCaller() throws Exception {
		LoadEvents events = this.context.getBean(LoadEvents.class);
		this.proxy.refuse();
		long start = System.nanoTime();
		CompletableFuture<Void> async = events.publishAsync("first", "payload");
		Duration returnedAfter = Duration.ofNanos(System.nanoTime() - start);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> async.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(MessageNotPublishedException.class);
		Duration failedAfter = Duration.ofNanos(System.nanoTime() - start);
		long syncStart = System.nanoTime();
		assertThatExceptionOfType(MessageNotPublishedException.class)
			.isThrownBy(() -> events.publish("second", "payload"))
			.withMessageContaining(this.topic);
		Duration syncFailedAfter = Duration.ofNanos(System.nanoTime() - syncStart);
		// The fault happened: the binder's attempts to reach the broker were refused.
		assertThat(this.proxy.getResets()).isPositive();
		// Waiting for the topic is never the caller's: the async call returned at once, and both failed by the
		// deadline (plus a second).
		assertThat(returnedAfter).isLessThan(DEADLINE.dividedBy(2));
		assertThat(failedAfter).isLessThanOrEqualTo(DEADLINE.plusSeconds(1));
		assertThat(syncFailedAfter).isLessThanOrEqualTo(DEADLINE.plusSeconds(1));
		this.proxy.pass();
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
			events.publish("third", "payload");
			return true;
		});
	}

	/** Holds the fault for several deadlines, until publishes failed. */
	private static void awaitFailures(PublishLoad load, long faultStart) {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> System.nanoTime() - faultStart > DEADLINE.multipliedBy(4).toNanos()
					&& load.count(Outcome.NOT_PUBLISHED, faultStart) + load.count(Outcome.UNKNOWN, faultStart) >= 20);
	}

	private static void awaitResumed(PublishLoad load) {
		long recovered = System.nanoTime();
		await().atMost(Duration.ofSeconds(60)).until(() -> load.count(Outcome.CONFIRMED, recovered) >= 50);
	}

	private void assertTruthful(PublishLoad load) {
		String summary = load.assertTruthful(DEADLINE, MAX_PENDING, this.received);
		System.out.println("Kafka fault: " + summary + ", proxy dropped " + this.proxy.getDroppedBytes()
				+ " bytes, reset " + this.proxy.getResets());
	}

	/** Reads everything the topic holds, as any consumer would, counting each record's load id. */
	private void startWitness() {
		this.witnessing = true;
		Map<String, Object> configs = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.proxy.getAddress(),
				ConsumerConfig.GROUP_ID_CONFIG, "witness-" + this.topic, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
				"earliest", ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
				ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
		String topic = this.topic;
		this.witness = new Thread(() -> {
			try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(configs)) {
				consumer.subscribe(List.of(topic));
				while (this.witnessing) {
					for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
						Header id = record.headers().lastHeader("load-id");
						if (id != null) {
							this.received.computeIfAbsent(new String(id.value(), StandardCharsets.UTF_8),
									(key) -> new AtomicInteger()).incrementAndGet();
						}
					}
				}
			}
		}, "kafka-witness");
		this.witness.start();
	}

	private PublishLoad load() {
		return PublishLoad.of(this.context.getBean(LoadEvents.class),
				this.context.getBean(KafkaChannelBinder.class)::pendingPublishes);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ JacksonAutoConfiguration.class, KafkaAutoConfiguration.class,
			KafkaChannelBinderAutoConfiguration.class, ChannelAutoConfiguration.class })
	@EnableChannelClients(clients = LoadEvents.class)
	static class FaultApplication {

	}

}
