package dev.switchboard.core.channel.publish;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.Message;

/**
 * The publishes pending in one binder, bounded, each with its deadline. A binder {@link #open opens} a
 * {@link PendingPublish} for every message it is asked to send, drives it through its attempts, and returns its
 * {@link PendingPublish#future() future} to the publisher: the window completes that future when the deadline
 * passes, whatever the broker or the binder's threads are doing, so no publisher waits longer than its deadline
 * and every outcome is one of confirmed, not published, or unknown.
 * <p>
 * At most {@code maxPending} publishes hold a place at once, counted until the transport has let go of them (see
 * {@link PendingPublish#release()}); a publish beyond that fails at once with a
 * {@link dev.switchboard.core.channel.MessageNotPublishedException}, so an unreachable broker costs bounded
 * memory and the caller learns it immediately instead of piling messages up.
 * <p>
 * Deadlines run on one daemon thread per window ({@link PublishDeadlines}), the binder's delayed retries
 * ({@link #schedule}) on another; both complete futures, so publishers' callbacks that run on completion must be
 * short.
 *
 * @author Switchboard
 */
public final class PublishWindow implements AutoCloseable {

	private final String binder;

	private final int maxPending;

	private final Semaphore places;

	private final PublishDeadlines deadlines;

	// Delayed retries: rare, unlike deadlines.
	private final ScheduledThreadPoolExecutor timer;

	private volatile boolean closed;

	/**
	 * Creates a window.
	 * @param binder the binder's name, for messages and the timer thread's name
	 * @param maxPending the most publishes pending at once, at least 1
	 */
	public PublishWindow(String binder, int maxPending) {
		Objects.requireNonNull(binder, "binder");
		if (maxPending < 1) {
			throw new IllegalArgumentException("maxPending must be at least 1 but was " + maxPending);
		}
		this.binder = binder;
		this.maxPending = maxPending;
		this.places = new Semaphore(maxPending);
		this.deadlines = new PublishDeadlines("switchboard-" + binder + "-publish-deadlines");
		this.timer = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "switchboard-" + binder + "-publish-retries");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Opens a publish. The returned publish may already be done (failed as not published) when the window is
	 * full or closed: the binder must then not send it.
	 * @param destination where the message goes
	 * @param message the message
	 * @param timeout the time from now to the publish's deadline, positive
	 * @return the publish
	 */
	public PendingPublish open(ChannelDestination destination, Message message, Duration timeout) {
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive but was " + timeout);
		}
		PendingPublish publish = new PendingPublish(this, destination, message, timeout);
		if (this.closed) {
			publish.releasedWithoutPlace();
			publish.fail(false, "the binder is closed");
			return publish;
		}
		if (!this.places.tryAcquire()) {
			publish.releasedWithoutPlace();
			publish.fail(false, this.maxPending + " publishes are already pending on this binder (max-pending): "
					+ "the broker is not acknowledging as fast as messages are published, or not at all");
			return publish;
		}
		publish.deadline(this.deadlines.add(publish, timeout.toNanos(), publish.deadlineNanos()));
		if (this.closed) {
			// Closed meanwhile: close() may have looked at the deadlines before this one joined them.
			publish.rejected("the binder is closed", null);
			publish.release();
		}
		return publish;
	}

	/**
	 * Runs a task after a delay on the window's thread, for retries. The task must not block.
	 * @param task the task
	 * @param delay the delay
	 * @return {@code false} when the window is closed and the task will not run
	 */
	public boolean schedule(Runnable task, Duration delay) {
		try {
			this.timer.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
	}

	/**
	 * The publishes holding a place now: not yet released by the transport.
	 * @return the count
	 */
	public int pending() {
		return this.maxPending - this.places.availablePermits();
	}

	/**
	 * The most publishes pending at once.
	 * @return the bound
	 */
	public int maxPending() {
		return this.maxPending;
	}

	/**
	 * The binder's name.
	 * @return the name
	 */
	public String binder() {
		return this.binder;
	}

	/**
	 * Whether the window is closed.
	 * @return whether {@link #close()} was called
	 */
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * Fails every publish that has no outcome yet (not published if no attempt may have reached the broker,
	 * unknown otherwise) and stops the timer. Later publishes fail at once.
	 */
	@Override
	public void close() {
		this.closed = true;
		for (PendingPublish publish : this.deadlines.open()) {
			publish.rejected("the binder was closed", null);
		}
		this.deadlines.close();
		this.timer.shutdownNow();
	}

	void completed(PendingPublish publish) {
		publish.clearDeadline();
	}

	void released(PendingPublish publish) {
		this.places.release();
	}

	@Override
	public String toString() {
		return "PublishWindow[" + this.binder + ", pending=" + pending() + "/" + this.maxPending + "]";
	}

}
