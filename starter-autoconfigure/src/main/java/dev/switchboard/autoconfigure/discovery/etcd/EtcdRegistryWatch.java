package dev.switchboard.autoconfigure.discovery.etcd;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Watches every key under the service prefix and runs a callback (a refresh of Switchboard's discovery cache)
 * when one changes, so that a registration, a deregistration or an expired lease arrives within milliseconds
 * rather than on the next periodic refresh.
 * <p>
 * When the watch fails (etcd restarts or cannot be reached) it is opened again with Spring's exponential
 * {@link BackOff}, from the revision after the last one seen, so that no change made meanwhile is missed; when
 * etcd compacted that revision away it starts from the present and the callback runs once to read everything
 * again. The callback also runs whenever a watch is (re)established and when one fails, so that the cache
 * notices an outage and its end at once. Callbacks run one at a time on a thread of their own, and changes that
 * arrive while one runs are merged into one further run.
 *
 * @author Switchboard
 */
public final class EtcdRegistryWatch implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(EtcdRegistryWatch.class);

	private final Client client;

	private final EtcdKeyLayout layout;

	private final Runnable onChange;

	private final BackOff backOff;

	private final ScheduledExecutorService rewatch = Executors.newSingleThreadScheduledExecutor(daemon("switchboard-etcd-watch"));

	private final ExecutorService callbacks = Executors.newSingleThreadExecutor(daemon("switchboard-etcd-watch-callback"));

	private final AtomicBoolean callbackPending = new AtomicBoolean();

	private volatile long lastRevision;

	private volatile boolean closed;

	private Watch.@Nullable Watcher watcher;

	private @Nullable BackOffExecution retries;

	/**
	 * Creates a watch; call {@link #start()} to open it.
	 * @param client the jetcd client
	 * @param layout where instances live
	 * @param onChange what to run when something under the prefix changed
	 */
	public EtcdRegistryWatch(Client client, EtcdKeyLayout layout, Runnable onChange) {
		this.client = client;
		this.layout = layout;
		this.onChange = onChange;
		ExponentialBackOff backOff = new ExponentialBackOff(200, 2);
		backOff.setMaxInterval(5000);
		this.backOff = backOff;
	}

	/**
	 * Opens the watch. Never blocks: jetcd opens it in the background.
	 */
	public synchronized void start() {
		open();
	}

	private synchronized void open() {
		if (this.closed) {
			return;
		}
		closeWatcher();
		WatchOption.Builder option = WatchOption.builder().isPrefix(true).withCreateNotify(true);
		if (this.lastRevision > 0) {
			option.withRevision(this.lastRevision + 1);
		}
		try {
			this.watcher = this.client.getWatchClient()
				.watch(this.layout.allServices(), option.build(), Watch.listener(this::onResponse, this::onError,
						() -> onError(new IllegalStateException("etcd ended the watch"))));
		}
		catch (RuntimeException ex) {
			onError(ex);
		}
	}

	private void onResponse(WatchResponse response) {
		long revision = response.getHeader().getRevision();
		if (revision > this.lastRevision) {
			this.lastRevision = revision;
		}
		if (response.isCreatedNotify()) {
			synchronized (this) {
				this.retries = null;
			}
			changed();
		}
		else if (!response.getEvents().isEmpty()) {
			changed();
		}
	}

	private void onError(Throwable error) {
		if (this.closed) {
			return;
		}
		if (error instanceof CompactedException) {
			// The revisions missed are gone: watch from now and read everything again.
			this.lastRevision = 0;
		}
		long delay;
		synchronized (this) {
			if (this.retries == null) {
				this.retries = this.backOff.start();
			}
			delay = this.retries.nextBackOff();
		}
		delay = (delay == BackOffExecution.STOP) ? 5000 : delay;
		logger.debug("etcd watch of " + this.layout.prefix() + " failed, opening it again in " + delay + " ms: " + error);
		changed();
		try {
			this.rewatch.schedule(this::open, delay, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile.
		}
	}

	private void changed() {
		if (this.closed || !this.callbackPending.compareAndSet(false, true)) {
			return;
		}
		try {
			this.callbacks.execute(() -> {
				this.callbackPending.set(false);
				try {
					this.onChange.run();
				}
				catch (RuntimeException ex) {
					logger.warn("Refresh after an etcd change failed", ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile.
		}
	}

	/**
	 * The newest revision the watch has seen.
	 * @return the revision, or 0 before the first answer
	 */
	public long lastRevision() {
		return this.lastRevision;
	}

	private void closeWatcher() {
		Watch.Watcher current = this.watcher;
		this.watcher = null;
		if (current != null) {
			try {
				current.close();
			}
			catch (RuntimeException ex) {
				logger.debug("Closing the etcd watch failed", ex);
			}
		}
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		closeWatcher();
		this.rewatch.shutdownNow();
		this.callbacks.shutdownNow();
	}

	static ThreadFactory daemon(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

}
