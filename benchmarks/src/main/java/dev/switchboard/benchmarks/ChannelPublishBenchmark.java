package dev.switchboard.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.switchboard.autoconfigure.channel.kafka.KafkaChannelBinder;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.RetrySettings;
import dev.switchboard.core.channel.Subscription;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Publish throughput of a channel against the raw Spring template with the same guarantees, all publishes of a
 * round in flight at once and every acknowledgement awaited: Kafka idempotent {@code acks=all}
 * ({@link KafkaChannelBinder} vs {@link KafkaTemplate}), RabbitMQ correlated confirms with mandatory returns
 * ({@link RabbitChannelBinder} vs {@link RabbitTemplate}; the raw template does not retry). Variants alternate
 * within each round; medians are printed as a markdown table.
 * <p>
 * Two forms of publishing: {@code async} keeps up to {@value #WINDOW} acknowledgements outstanding (an
 * application publishing without waiting), {@code sync} waits for each acknowledgement before the next publish
 * (a {@code void @Publish} method, or a template whose send future is awaited at once).
 * <p>
 * Arguments: {@code --brokers=kafka,rabbit}, {@code --modes=async,sync}, {@code --messages=N} per async round
 * (default 20000; a sync round publishes a tenth), {@code --rounds=N} (default 5), {@code --payload=bytes} (default
 * 1024), {@code --kafka-bootstrap=host:port} (default: an embedded KRaft broker in this JVM),
 * {@code --rabbit-host=host} (default 127.0.0.1, guest/guest).
 *
 * @author Switchboard
 */
public final class ChannelPublishBenchmark {

	/** Acknowledgements outstanding at most, for every variant. */
	private static final int WINDOW = 1000;

	/** Long enough never to fail a publish on a healthy broker: the benchmark measures throughput. */
	private static final Duration DEADLINE = Duration.ofSeconds(30);

	private ChannelPublishBenchmark() {
	}

	/**
	 * Runs the benchmark.
	 * @param args see the class description
	 * @throws Exception when a broker fails
	 */
	public static void main(String[] args) throws Exception {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			String[] pair = arg.replaceFirst("^--", "").split("=", 2);
			options.put(pair[0], (pair.length > 1) ? pair[1] : "true");
		}
		List<String> brokers = Arrays.asList(options.getOrDefault("brokers", "kafka,rabbit").split(","));
		List<Mode> modes = Arrays.stream(options.getOrDefault("modes", "async,sync").split(","))
			.map((mode) -> Mode.valueOf(mode.toUpperCase(Locale.ROOT)))
			.toList();
		int messages = Integer.parseInt(options.getOrDefault("messages", "20000"));
		int rounds = Integer.parseInt(options.getOrDefault("rounds", "5"));
		byte[] payload = new byte[Integer.parseInt(options.getOrDefault("payload", "1024"))];
		Arrays.fill(payload, (byte) 'x');
		Map<String, List<Round>> results = new LinkedHashMap<>();
		if (brokers.contains("kafka")) {
			kafka(options.get("kafka-bootstrap"), modes, messages, rounds, payload, results);
		}
		if (brokers.contains("rabbit")) {
			rabbit(options.getOrDefault("rabbit-host", "127.0.0.1"), modes, messages, rounds, payload, results);
		}
		System.out.printf(Locale.ROOT, "%n| variant | median msg/s | rounds (msg/s) | publish-to-ack p50 / p99 / p99.9"
				+ " (ms, median of rounds) | median CPU us/msg (this JVM) |%n|---|---:|---|---|---:|%n");
		results.forEach((variant, measured) -> System.out.printf(Locale.ROOT, "| %s | %.0f | %s | %.2f / %.2f / %.2f | %.1f |%n",
				variant, median(measured, Round::rate),
				measured.stream().map((round) -> String.format(Locale.ROOT, "%.0f", round.rate())).toList(),
				median(measured, Round::p50Millis), median(measured, Round::p99Millis),
				median(measured, Round::p999Millis), median(measured, Round::cpuMicrosPerMessage)));
	}

	private static void kafka(String bootstrap, List<Mode> modes, int messages, int rounds, byte[] payload,
			Map<String, List<Round>> results) throws Exception {
		EmbeddedKafkaKraftBroker embedded = null;
		if (bootstrap == null) {
			embedded = new EmbeddedKafkaKraftBroker(1, 3);
			embedded.afterPropertiesSet();
			bootstrap = embedded.getBrokersAsString();
		}
		String topic = "bench-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, Object> producer = new HashMap<>();
		producer.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
		Map<String, Object> admin = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
		KafkaChannelBinder binder = new KafkaChannelBinder(producer, new HashMap<>(admin), admin, 3, (short) -1);
		Map<String, Object> raw = new HashMap<>(producer);
		raw.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
		raw.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
		raw.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
		raw.put(ProducerConfig.ACKS_CONFIG, "all");
		DefaultKafkaProducerFactory<String, byte[]> factory = new DefaultKafkaProducerFactory<>(raw);
		KafkaTemplate<String, byte[]> template = new KafkaTemplate<>(factory);
		ChannelDestination destination = ChannelDestination.of(topic);
		try {
			// Warm-up: creates the topic, connects both producers, JIT.
			measure(messages / 4, WINDOW, (i) -> binder.send(destination, message(payload, i), DEADLINE));
			measure(messages / 4, WINDOW, (i) -> template.send(topic, "k" + (i % 64), payload));
			for (Mode mode : modes) {
				int count = mode.messages(messages);
				for (int round = 0; round < rounds; round++) {
					// The order alternates each round, so that neither variant always runs on a warmer broker.
					for (int variant = 0; variant < 2; variant++) {
						if ((round + variant) % 2 == 0) {
							record(results, "Kafka " + mode + " raw KafkaTemplate (idempotent, acks=all)", measure(count,
									mode.window(), (i) -> template.send(topic, "k" + (i % 64), payload)));
						}
						else {
							record(results, "Kafka " + mode + " channel (KafkaChannelBinder)", measure(count,
									mode.window(), (i) -> binder.send(destination, message(payload, i), DEADLINE)));
						}
					}
				}
			}
		}
		finally {
			binder.close();
			factory.destroy();
			if (embedded != null) {
				embedded.destroy();
			}
		}
	}

	private static void rabbit(String host, List<Mode> modes, int messages, int rounds, byte[] payload,
			Map<String, List<Round>> results) throws Exception {
		String exchange = "bench-" + UUID.randomUUID().toString().substring(0, 8);
		CachingConnectionFactory binderConnections = new CachingConnectionFactory(host);
		RabbitChannelBinder binder = new RabbitChannelBinder(binderConnections, RabbitChannelBinder.Settings.ofDefaults());
		CachingConnectionFactory rawConnections = new CachingConnectionFactory(host);
		rawConnections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
		rawConnections.setPublisherReturns(true);
		RabbitTemplate template = new RabbitTemplate(rawConnections);
		template.setMandatory(true);
		RabbitAdmin admin = new RabbitAdmin(rawConnections);
		ChannelDestination destination = ChannelDestination.of(exchange);
		// A group queue makes the messages routable (mandatory); nothing consumes it, it is purged between rounds.
		Subscription subscription = binder.subscribe(destination, "bench", (message, context) -> null,
				new ConsumerSettings(1, RetrySettings.none(), null));
		subscription.close();
		String queue = exchange + ".bench";
		DedicatedChannelPublisher dedicated = new DedicatedChannelPublisher(host);
		try {
			measure(messages / 4, WINDOW, (i) -> binder.send(destination, message(payload, i), DEADLINE));
			measure(messages / 4, WINDOW, (i) -> rawSend(template, exchange, payload, i));
			measure(messages / 4, WINDOW, (i) -> dedicated.publish(exchange, "k" + (i % 64), payload));
			for (Mode mode : modes) {
				int count = mode.messages(messages);
				for (int round = 0; round < rounds; round++) {
					// The order rotates each round, so that no variant always runs on a warmer broker.
					for (int variant = 0; variant < 3; variant++) {
						admin.purgeQueue(queue);
						switch ((round + variant) % 3) {
							case 0 -> record(results, "RabbitMQ " + mode + " raw RabbitTemplate.send (correlated confirms,"
									+ " mandatory)", measure(count, mode.window(), (i) -> rawSend(template, exchange, payload, i)));
							case 1 -> record(results, "RabbitMQ " + mode + " raw client, one dedicated channel (confirms,"
									+ " mandatory)", measure(count, mode.window(),
											(i) -> dedicated.publish(exchange, "k" + (i % 64), payload)));
							default -> record(results, "RabbitMQ " + mode + " channel (RabbitChannelBinder, + publish"
									+ " retries)", measure(count, mode.window(),
											(i) -> binder.send(destination, message(payload, i), DEADLINE)));
						}
					}
				}
			}
		}
		finally {
			dedicated.close();
			admin.deleteQueue(queue);
			admin.deleteExchange(exchange);
			binder.close();
			rawConnections.destroy();
		}
	}

	private static CompletableFuture<?> rawSend(RabbitTemplate template, String exchange, byte[] payload, int i) {
		MessageProperties properties = new MessageProperties();
		properties.setMessageId(UUID.randomUUID().toString());
		CorrelationData correlation = new CorrelationData(properties.getMessageId());
		template.send(exchange, "k" + (i % 64), new org.springframework.amqp.core.Message(payload, properties),
				correlation);
		return correlation.getFuture().thenAccept((confirm) -> {
			if (!confirm.ack() || correlation.getReturned() != null) {
				throw new IllegalStateException("not confirmed: " + confirm.reason());
			}
		});
	}

	private static Message message(byte[] payload, int i) {
		return Message.builder(payload).key("k" + (i % 64)).build();
	}

	/**
	 * Publishes with at most {@code outstanding} acknowledgements outstanding, the same window for every variant of
	 * a mode (the binders' own bound, max-pending, is larger), and waits for every acknowledgement.
	 */
	private static Round measure(int messages, int outstanding, Publisher publisher) throws Exception {
		Semaphore window = new Semaphore(outstanding);
		long[] latencies = new long[messages];
		long cpuStart = processCpuNanos();
		long start = System.nanoTime();
		List<CompletableFuture<?>> sends = new ArrayList<>(messages);
		for (int i = 0; i < messages; i++) {
			window.acquire();
			long sent = System.nanoTime();
			int index = i;
			CompletableFuture<?> send = publisher.publish(i);
			send.whenComplete((ignored, failure) -> {
				latencies[index] = System.nanoTime() - sent;
				window.release();
			});
			sends.add(send);
		}
		CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
		double rate = messages / (Duration.ofNanos(System.nanoTime() - start).toNanos() / 1e9);
		double cpu = (processCpuNanos() - cpuStart) / 1000.0 / messages;
		Arrays.sort(latencies);
		return new Round(rate, cpu, percentileMillis(latencies, 0.50), percentileMillis(latencies, 0.99),
				percentileMillis(latencies, 0.999));
	}

	private static double percentileMillis(long[] sorted, double percentile) {
		return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile * sorted.length) - 1)] / 1e6;
	}

	private static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> value) {
		double[] values = rounds.stream().mapToDouble(value).sorted().toArray();
		return values[values.length / 2];
	}

	/**
	 * CPU time of this JVM: the client side for RabbitMQ (the broker is another process), client and broker for
	 * the embedded Kafka broker.
	 */
	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static void record(Map<String, List<Round>> results, String variant, Round round) {
		results.computeIfAbsent(variant, (name) -> new ArrayList<>()).add(round);
		System.out.printf(Locale.ROOT, "%s: %.0f msg/s, p50 %.2f ms, p99 %.2f ms, %.1f us CPU/msg%n", variant,
				round.rate(), round.p50Millis(), round.p99Millis(), round.cpuMicrosPerMessage());
	}

	/** One round of one variant. */
	private record Round(double rate, double cpuMicrosPerMessage, double p50Millis, double p99Millis,
			double p999Millis) {
	}

	/** How the application waits for acknowledgements. */
	private enum Mode {

		/** Up to {@link #WINDOW} acknowledgements outstanding. */
		ASYNC,

		/** Each acknowledgement awaited before the next publish. */
		SYNC;

		int window() {
			return (this == ASYNC) ? WINDOW : 1;
		}

		int messages(int asyncMessages) {
			return (this == ASYNC) ? asyncMessages : Math.max(100, asyncMessages / 10);
		}

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	@FunctionalInterface
	private interface Publisher {

		CompletableFuture<?> publish(int i) throws Exception;

	}

}
