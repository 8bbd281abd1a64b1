package dev.switchboard.autoconfigure.channel.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Runs the outbox's work on one thread of its own: relay polls (on the poll interval and when a transaction that
 * wrote to the outbox commits), counting the backlog, and deleting published rows after their retention. One
 * thread keeps the work of this instance serial; several instances share the table safely through row locks.
 *
 * @author Switchboard
 */
public class OutboxScheduler implements SmartLifecycle, Runnable {

	private static final Log logger = LogFactory.getLog(OutboxScheduler.class);

	/** Most rows one cleanup statement deletes, so that no statement holds many locks for long. */
	private static final int CLEANUP_CHUNK = 1000;

	private final @Nullable OutboxRelay relay;

	private final OutboxBacklog backlog;

	private final JdbcOutboxRepository repository;

	private final OutboxProperties properties;

	private final Clock clock;

	private final AtomicBoolean wakeUpQueued = new AtomicBoolean();

	private volatile @Nullable ScheduledExecutorService executor;

	/**
	 * Creates a scheduler.
	 * @param relay the relay, or {@code null} when this instance does not relay
	 * @param backlog the backlog to count
	 * @param repository the outbox table, for the cleanup
	 * @param properties poll and cleanup intervals
	 * @param clock the clock of the retention
	 */
	public OutboxScheduler(@Nullable OutboxRelay relay, OutboxBacklog backlog, JdbcOutboxRepository repository,
			OutboxProperties properties, Clock clock) {
		this.relay = relay;
		this.backlog = backlog;
		this.repository = repository;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Asks for a relay poll now; a poll already queued serves this request too. Called after commit.
	 */
	@Override
	public void run() {
		ScheduledExecutorService executor = this.executor;
		if (executor != null && this.relay != null && this.wakeUpQueued.compareAndSet(false, true)) {
			try {
				executor.execute(() -> {
					this.wakeUpQueued.set(false);
					relay();
				});
			}
			catch (RuntimeException ex) {
				// Stopping: the rows wait for the next start, of this instance or another.
				this.wakeUpQueued.set(false);
			}
		}
	}

	/**
	 * Deletes published rows older than the retention.
	 * @return the number of deleted rows
	 */
	public int cleanup() {
		int total = 0;
		int deleted;
		do {
			deleted = this.repository.deletePublishedBefore(
					this.clock.instant().minus(this.properties.getCleanup().getRetention()), CLEANUP_CHUNK);
			total += deleted;
		}
		while (deleted == CLEANUP_CHUNK);
		return total;
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "switchboard-outbox");
			thread.setDaemon(true);
			return thread;
		});
		long pollMillis = this.properties.getRelay().getPollInterval().toMillis();
		if (this.relay != null) {
			executor.scheduleWithFixedDelay(this::relay, 0, pollMillis, TimeUnit.MILLISECONDS);
		}
		executor.scheduleWithFixedDelay(() -> guarded("count the outbox backlog", this.backlog::refresh), 0,
				Math.max(pollMillis, 1000), TimeUnit.MILLISECONDS);
		long cleanupMillis = this.properties.getCleanup().getInterval().toMillis();
		executor.scheduleWithFixedDelay(() -> guarded("delete published outbox rows", this::cleanup), cleanupMillis,
				cleanupMillis, TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.executor;
		this.executor = null;
		if (executor == null) {
			return;
		}
		executor.shutdown();
		try {
			// A batch in flight finishes within its publish deadlines; one cut short is relayed again later.
			if (!executor.awaitTermination(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS)) {
				executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	@Override
	public int getPhase() {
		// Stops before the binders (which stop at the default phase), so that the last batch can be acknowledged.
		return DEFAULT_PHASE + 1024;
	}

	private void relay() {
		OutboxRelay relay = this.relay;
		if (relay != null) {
			guarded("relay outbox rows", relay::relayAll);
		}
	}

	private void guarded(String what, Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException ex) {
			// A scheduled task that throws is never run again: report and try on the next tick.
			logger.warn("Could not " + what + ": " + ex, ex);
		}
	}

}
