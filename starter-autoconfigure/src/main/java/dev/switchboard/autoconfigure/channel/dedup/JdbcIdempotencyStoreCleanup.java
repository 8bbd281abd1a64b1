package dev.switchboard.autoconfigure.channel.dedup;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Deletes the JDBC store's old rows on a schedule while the application runs. Its own single daemon thread rather
 * than the application's task scheduler: Boot creates that only with {@code @EnableScheduling}, and the cleanup
 * must not wait behind the application's tasks. Every instance cleans; the deletes are idempotent.
 *
 * @author Switchboard
 */
final class JdbcIdempotencyStoreCleanup implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(JdbcIdempotencyStoreCleanup.class);

	private final JdbcIdempotencyStore store;

	private final Duration interval;

	private final int maxEntries;

	private final Clock clock;

	private @Nullable ScheduledExecutorService executor;

	JdbcIdempotencyStoreCleanup(JdbcIdempotencyStore store, Duration interval, int maxEntries, Clock clock) {
		this.store = store;
		this.interval = interval;
		this.maxEntries = maxEntries;
		this.clock = clock;
	}

	@Override
	public synchronized void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "switchboard-idempotency-cleanup");
			thread.setDaemon(true);
			return thread;
		});
		long millis = this.interval.toMillis();
		executor.scheduleWithFixedDelay(this::cleanUp, millis, millis, TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	void cleanUp() {
		try {
			int deleted = this.store.cleanUp(this.clock.instant(), this.maxEntries);
			if (logger.isDebugEnabled()) {
				logger.debug("Deleted " + deleted + " old rows from " + JdbcIdempotencyStore.TABLE);
			}
		}
		catch (RuntimeException ex) {
			// The next run tries again; old rows decide nothing meanwhile, they only take space.
			logger.warn("Could not delete old rows from " + JdbcIdempotencyStore.TABLE, ex);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}
