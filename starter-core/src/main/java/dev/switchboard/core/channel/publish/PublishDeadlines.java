package dev.switchboard.core.channel.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * The deadlines of a window's pending publishes, run on one daemon thread.
 * <p>
 * Written by hand rather than on a {@code ScheduledThreadPoolExecutor}: that costs a lock and a heap operation when
 * a publish opens and again when it completes, taken by the publishing and the confirming threads alike, for
 * every message (measured: 0.4 to 1.4 µs per message, the more the busier the confirming thread). Here a
 * publish's deadline joins the lane of its timeout: publishes of one timeout open in time order, so each lane is a
 * FIFO ordered by deadline (give or take the instant between computing a deadline and joining the lane, by which
 * an expiry may come late, never early), joined with one lock-free append; completing a publish only clears its
 * entry, which stays a few dozen bytes without the message. The thread sleeps until the earliest live deadline
 * at the head of a lane (or at most {@link #SWEEP_NANOS}; without entries, until one comes), expires what is due
 * and drops the cleared entries it passes, so an entry outlives its publish by a sweep at most or, behind a
 * publish still open, until that one's deadline. Binders use a few timeouts (one per channel), so there are few
 * lanes.
 *
 * @author Switchboard
 */
final class PublishDeadlines implements AutoCloseable {

	/** The longest the thread sleeps, so that entries of completed publishes are dropped soon. */
	static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final ConcurrentHashMap<Long, Lane> lanes = new ConcurrentHashMap<>();

	private final Thread thread;

	private volatile boolean closed;

	PublishDeadlines(String threadName) {
		this.thread = new Thread(this::run, threadName);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Adds a publish's deadline.
	 * @param publish the publish, expired at its deadline unless it completed
	 * @param timeoutNanos its timeout, which picks the lane
	 * @param deadlineNanos its deadline in {@link System#nanoTime()} terms
	 * @return the entry, to {@link Entry#clear() clear} when the publish completes
	 */
	Entry add(PendingPublish publish, long timeoutNanos, long deadlineNanos) {
		Entry entry = new Entry(publish, deadlineNanos);
		Lane lane = this.lanes.computeIfAbsent(timeoutNanos, (timeout) -> new Lane());
		lane.entries.add(entry);
		// A lane's later entries never need the thread earlier than its live head does: only an entry in a lane the
		// thread left empty (idle) may. The thread marks a lane idle before it looks at it a last time, and this
		// reads the mark after adding, so either the thread sees the entry or this wakes the thread.
		if (lane.idle) {
			LockSupport.unpark(this.thread);
		}
		return entry;
	}

	/**
	 * The publishes not completed yet.
	 * @return a snapshot
	 */
	List<PendingPublish> open() {
		List<PendingPublish> open = new ArrayList<>();
		for (Lane lane : this.lanes.values()) {
			for (Entry entry : lane.entries) {
				PendingPublish publish = entry.publish;
				if (publish != null) {
					open.add(publish);
				}
			}
		}
		return open;
	}

	private void run() {
		while (!this.closed) {
			long now = System.nanoTime();
			long next = now + SWEEP_NANOS;
			boolean idle = true;
			for (Lane lane : this.lanes.values()) {
				next = expireDue(lane, now, next);
				idle &= lane.idle;
			}
			if (idle) {
				// Nothing to expire or drop: the next entry, in an idle lane, wakes the thread.
				LockSupport.park(this);
			}
			else {
				LockSupport.parkNanos(this, next - now);
			}
		}
	}

	/** Expires the lane's due publishes and drops cleared entries at its head; returns the next wake-up. */
	private static long expireDue(Lane lane, long now, long next) {
		while (true) {
			Entry head = lane.entries.peek();
			if (head == null) {
				lane.idle = true;
				if (lane.entries.peek() == null) {
					return next;
				}
				lane.idle = false;
				continue;
			}
			PendingPublish publish = head.publish;
			if (publish != null && head.deadlineNanos - now > 0) {
				// Entries behind a live head have later deadlines: it alone sets the lane's wake-up.
				lane.idle = false;
				return (head.deadlineNanos - next < 0) ? head.deadlineNanos : next;
			}
			// Only this thread removes entries: the head polled is the head looked at.
			lane.entries.poll();
			if (publish != null) {
				try {
					publish.expire();
				}
				catch (RuntimeException ex) {
					// A callback of the publisher's future failed: the other deadlines still run.
				}
			}
		}
	}

	@Override
	public void close() {
		this.closed = true;
		LockSupport.unpark(this.thread);
	}

	/** The deadlines of one timeout, in the order their publishes opened, which is the order of the deadlines. */
	private static final class Lane {

		final Queue<Entry> entries = new ConcurrentLinkedQueue<>();

		// Left empty by the thread, which then plans no wake-up for it.
		volatile boolean idle = true;

	}

	/** A publish's place in its lane, cleared when the publish completes. */
	static final class Entry {

		private volatile @Nullable PendingPublish publish;

		private final long deadlineNanos;

		Entry(PendingPublish publish, long deadlineNanos) {
			this.publish = publish;
			this.deadlineNanos = deadlineNanos;
		}

		void clear() {
			this.publish = null;
		}

	}

}
