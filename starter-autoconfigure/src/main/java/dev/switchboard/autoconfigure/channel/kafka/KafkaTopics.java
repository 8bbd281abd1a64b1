package dev.switchboard.autoconfigure.channel.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Creates the binder's topics when missing, asynchronously and once per topic however many publishers wait
 * for it, and reads topic information for operators.
 *
 * @author Switchboard
 */
final class KafkaTopics implements AutoCloseable {

	/** The most an admin call may take; publishers never wait longer than their own deadline. */
	static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

	private static final Log logger = LogFactory.getLog(KafkaTopics.class);

	private static final CompletableFuture<Void> KNOWN = CompletableFuture.completedFuture(null);

	private final Map<String, Object> adminConfigs;

	private final int partitions;

	private final short replicationFactor;

	private final Set<String> known = ConcurrentHashMap.newKeySet();

	private final Map<String, CompletableFuture<Void>> creating = new ConcurrentHashMap<>();

	private final Object lock = new Object();

	private @Nullable Admin admin;

	KafkaTopics(Map<String, Object> adminConfigs, int partitions, short replicationFactor) {
		this.adminConfigs = Map.copyOf(adminConfigs);
		this.partitions = partitions;
		this.replicationFactor = replicationFactor;
	}

	boolean isKnown(String topic) {
		return this.known.contains(topic);
	}

	/**
	 * Makes sure a topic exists, without blocking.
	 * @param topic the topic
	 * @return a future completed when the topic exists, shared by everyone waiting for it
	 */
	CompletableFuture<Void> ensure(String topic) {
		if (this.known.contains(topic)) {
			return KNOWN;
		}
		return this.creating.computeIfAbsent(topic, (name) -> {
			CompletableFuture<Void> created = create(name, this.partitions);
			created.whenComplete((ignored, failure) -> {
				if (failure == null) {
					this.known.add(name);
				}
				// A failed creation is tried again by the next publish.
				this.creating.remove(name);
			});
			return created;
		});
	}

	/**
	 * Makes sure a topic exists, waiting for it.
	 * @param topic the topic
	 * @param timeout how long to wait
	 */
	void ensure(String topic, Duration timeout) {
		await(ensure(topic), topic, timeout);
	}

	/** Creates a topic with its own partition count (a reply topic). */
	void create(String topic, int partitions, Duration timeout) {
		await(create(topic, partitions), topic, timeout);
	}

	private static void await(CompletableFuture<Void> creation, String topic, Duration timeout) {
		try {
			creation.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Could not create Kafka topic '" + topic + "'", ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while creating Kafka topic '" + topic + "'", ex);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Kafka did not create topic '" + topic + "' within " + timeout, ex);
		}
	}

	private CompletableFuture<Void> create(String topic, int partitions) {
		Optional<Short> replication = (this.replicationFactor > 0) ? Optional.of(this.replicationFactor)
				: Optional.empty();
		NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), replication);
		CompletableFuture<Void> created = new CompletableFuture<>();
		try {
			admin().createTopics(List.of(newTopic), new CreateTopicsOptions().timeoutMs((int) ADMIN_TIMEOUT.toMillis()))
				.all()
				.whenComplete((ignored, failure) -> {
					Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
							? failure.getCause() : failure;
					if (cause == null || cause instanceof TopicExistsException) {
						created.complete(null);
					}
					else {
						created.completeExceptionally(cause);
					}
				});
		}
		catch (RuntimeException ex) {
			created.completeExceptionally(ex);
		}
		return created;
	}

	void delete(String topic) {
		try {
			admin().deleteTopics(List.of(topic)).all().get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.warn("Could not delete topic '" + topic + "': " + ex);
		}
	}

	Map<String, Object> describeCluster(Duration timeout) throws Exception {
		DescribeClusterResult cluster = admin().describeCluster();
		String clusterId = cluster.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		int nodes = cluster.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
		return Map.of("clusterId", clusterId, "nodes", nodes);
	}

	/** The records in a topic: the sum over its partitions of latest minus earliest offset. */
	@Nullable Long recordCount(String topic) {
		try {
			Admin admin = admin();
			List<TopicPartition> partitions = admin.describeTopics(List.of(topic))
				.allTopicNames()
				.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.get(topic)
				.partitions()
				.stream()
				.map((partition) -> new TopicPartition(topic, partition.partition()))
				.toList();
			return sumOffsets(admin, partitions, OffsetSpec.latest()) - sumOffsets(admin, partitions, OffsetSpec.earliest());
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private static long sumOffsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
			throws InterruptedException, ExecutionException, TimeoutException {
		Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
		partitions.forEach((partition) -> request.put(partition, spec));
		long sum = 0;
		for (ListOffsetsResult.ListOffsetsResultInfo info : admin.listOffsets(request)
			.all()
			.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
			.values()) {
			sum += info.offset();
		}
		return sum;
	}

	private Admin admin() {
		synchronized (this.lock) {
			if (this.admin == null) {
				this.admin = Admin.create(this.adminConfigs);
			}
			return this.admin;
		}
	}

	@Override
	public void close() {
		synchronized (this.lock) {
			if (this.admin != null) {
				this.admin.close(Duration.ofSeconds(5));
			}
		}
	}

}
