package dev.switchboard.autoconfigure.channel.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import dev.switchboard.autoconfigure.channel.ChannelRegistry;
import dev.switchboard.autoconfigure.channel.ChannelSettings;
import dev.switchboard.core.channel.ChannelBinder;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.outbox.PerKeyOrder;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.transaction.support.TransactionOperations;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Sends stored messages to their brokers and marks each published only after the broker acknowledged it.
 * <p>
 * One batch is one short transaction: lock the due rows ({@code FOR UPDATE SKIP LOCKED}, so concurrent relays
 * take disjoint rows), publish them through each channel's binder (rows of one key one after another, in id
 * order; see {@link PerKeyOrder}), wait for the acknowledgements within each channel's publish deadline, then
 * mark the acknowledged rows published and the failed ones due again after a {@link BackOff}, and commit. A
 * crash before that commit releases the locks with nothing marked, so the rows are sent again: delivery is at
 * least once, with the same message id, which consumers' deduplication recognizes.
 *
 * @author Switchboard
 */
public class OutboxRelay {

	private static final Log logger = LogFactory.getLog(OutboxRelay.class);

	/** Later attempts all wait the longest backoff; bounds the walk through the backoff's sequence. */
	private static final int MAX_BACKOFF_STEPS = 64;

	private final JdbcOutboxRepository repository;

	private final TransactionOperations transactions;

	private final ChannelRegistry channels;

	private final int batchSize;

	private final BackOff backOff;

	private final ObservationRegistry observations;

	private final Clock clock;

	/**
	 * Creates a relay.
	 * @param repository the outbox table
	 * @param transactions runs each batch in a transaction of its own on the outbox's DataSource
	 * @param channels resolves each row's channel to its binder and publish deadline
	 * @param batchSize most rows per batch
	 * @param backOff the wait before a failed row is tried again
	 * @param observations observes each publish as {@code switchboard.outbox.relay}
	 * @param clock the clock of the published-at column and the retry times
	 */
	public OutboxRelay(JdbcOutboxRepository repository, TransactionOperations transactions, ChannelRegistry channels,
			int batchSize, BackOff backOff, ObservationRegistry observations, Clock clock) {
		this.repository = repository;
		this.transactions = transactions;
		this.channels = channels;
		this.batchSize = batchSize;
		this.backOff = backOff;
		this.observations = observations;
		this.clock = clock;
	}

	/**
	 * Relays batches until one publishes nothing: all due rows are sent, or the rest wait for earlier rows of
	 * their keys.
	 * @return the number of rows published
	 */
	public int relayAll() {
		int total = 0;
		int published;
		do {
			published = relayBatch();
			total += published;
		}
		while (published > 0);
		return total;
	}

	/**
	 * Relays one batch.
	 * @return the number of rows published
	 */
	public int relayBatch() {
		Integer published = this.transactions.execute((status) -> {
			List<OutboxRecord> batch = this.repository.lockDue(this.clock.instant(), this.batchSize);
			if (batch.isEmpty()) {
				return 0;
			}
			Set<String> keys = batch.stream()
				.map((row) -> row.message().getKey())
				.filter(Objects::nonNull)
				.collect(Collectors.toSet());
			long maxId = batch.get(batch.size() - 1).id();
			List<List<OutboxRecord>> sequences = PerKeyOrder.plan(batch, OutboxRecord::id, OutboxRecord::orderKey,
					keys.isEmpty() ? Map.of() : this.repository.pendingIds(keys, maxId));
			Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
			Map<OutboxRecord, Throwable> failed = new ConcurrentHashMap<>();
			List<CompletableFuture<Void>> chains = new ArrayList<>();
			for (List<OutboxRecord> sequence : sequences) {
				chains.add(publishInOrder(sequence, 0, acknowledged, failed));
			}
			awaitAll(chains, bound(sequences));
			Instant now = this.clock.instant();
			List<Long> ids = new ArrayList<>(acknowledged);
			Collections.sort(ids);
			this.repository.markPublished(ids, now);
			failed.forEach((row, failure) -> {
				int attempts = row.attempts() + 1;
				Duration wait = backoff(attempts);
				logger.warn("Outbox row " + row.id() + " (message " + row.message().getId() + " on channel '"
						+ row.channel() + "') failed to publish, attempt " + attempts + "; retrying in "
						+ wait.toMillis() + " ms: " + failure);
				this.repository.markFailed(row.id(), attempts, now.plus(wait), String.valueOf(failure));
			});
			return ids.size();
		});
		return (published != null) ? published : 0;
	}

	/**
	 * Publishes the rows of a sequence one after another, stopping at the first failure: a later row of the key
	 * must not overtake it.
	 */
	private CompletableFuture<Void> publishInOrder(List<OutboxRecord> sequence, int index, Set<Long> acknowledged,
			Map<OutboxRecord, Throwable> failed) {
		if (index >= sequence.size()) {
			return CompletableFuture.completedFuture(null);
		}
		OutboxRecord row = sequence.get(index);
		return publish(row).handle((ignored, failure) -> failure).thenCompose((failure) -> {
			if (failure != null) {
				failed.put(row, unwrap(failure));
				return CompletableFuture.completedFuture(null);
			}
			acknowledged.add(row.id());
			return publishInOrder(sequence, index + 1, acknowledged, failed);
		});
	}

	private CompletableFuture<Void> publish(OutboxRecord row) {
		Observation observation = Observation.createNotStarted("switchboard.outbox.relay", this.observations)
			.lowCardinalityKeyValue("channel", row.channel())
			.start();
		CompletableFuture<Void> sent;
		try {
			ChannelSettings settings = this.channels.getSettings(row.channel());
			ChannelBinder binder = this.channels.getBinder(settings);
			sent = binder.send(new ChannelDestination(row.channel(), row.destination()), row.message(),
					settings.requestTimeout());
		}
		catch (RuntimeException ex) {
			sent = CompletableFuture.failedFuture(ex);
		}
		return sent.whenComplete((ignored, failure) -> {
			observation.lowCardinalityKeyValue("outcome", (failure != null) ? "FAILURE" : "SUCCESS");
			if (failure != null) {
				observation.error(unwrap(failure));
			}
			observation.stop();
		});
	}

	/**
	 * How long a batch may take: each binder completes every publish by its channel's deadline, and a sequence
	 * publishes its rows one after another. The bound guards the locks the batch holds against a binder that
	 * breaks that promise.
	 */
	private long bound(List<List<OutboxRecord>> sequences) {
		long longest = 0;
		for (List<OutboxRecord> sequence : sequences) {
			long total = 0;
			for (OutboxRecord row : sequence) {
				total += timeout(row.channel()).toMillis();
			}
			longest = Math.max(longest, total);
		}
		return longest + 1000;
	}

	private Duration timeout(String channel) {
		try {
			return this.channels.getSettings(channel).requestTimeout();
		}
		catch (RuntimeException ex) {
			return ChannelBinder.DEFAULT_PUBLISH_TIMEOUT;
		}
	}

	private void awaitAll(List<CompletableFuture<Void>> chains, long boundMillis) {
		try {
			CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new)).get(boundMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while relaying outbox rows", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			// Failures are recorded per row; a row neither acknowledged nor failed stays pending.
		}
	}

	private Duration backoff(int attempts) {
		BackOffExecution execution = this.backOff.start();
		long wait = 0;
		for (int i = 0; i < Math.min(attempts, MAX_BACKOFF_STEPS); i++) {
			long next = execution.nextBackOff();
			if (next == BackOffExecution.STOP) {
				break;
			}
			wait = next;
		}
		return Duration.ofMillis(wait);
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null)
				? failure.getCause() : failure;
	}

	/**
	 * The relay's description, for logs.
	 * @return the description
	 */
	@Override
	public String toString() {
		return "OutboxRelay[batchSize=" + this.batchSize + "]";
	}

}
