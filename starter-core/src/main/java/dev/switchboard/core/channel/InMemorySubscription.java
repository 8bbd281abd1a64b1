package dev.switchboard.core.channel;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.backoff.BackOffExecution;

/**
 * One subscription of the {@link InMemoryChannelBinder}: its consumer threads, each with bounded room, and the
 * delivery loop with retries and dead-lettering.
 *
 * @author Switchboard
 */
final class InMemorySubscription implements Subscription {

	private static final Log logger = LogFactory.getLog(InMemorySubscription.class);

	/** How long closing a subscription waits for the messages in flight. */
	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final InMemoryChannelBinder binder;

	private final ChannelDestination destination;

	private final String group;

	private final MessageHandler handler;

	private final ConsumerSettings settings;

	private final ExecutorService[] consumers;

	// Room per consumer thread: a publisher faster than its consumer waits, never piles messages up.
	private final Semaphore[] room;

	private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

	// Counted down by close(), waking consumers that wait out a backoff.
	private final CountDownLatch closing = new CountDownLatch(1);

	private volatile boolean active = true;

	InMemorySubscription(InMemoryChannelBinder binder, ChannelDestination destination, String group,
			MessageHandler handler, ConsumerSettings settings) {
		this.binder = binder;
		this.destination = Objects.requireNonNull(destination, "destination");
		this.group = group;
		this.handler = Objects.requireNonNull(handler, "handler");
		this.settings = Objects.requireNonNull(settings, "settings");
		this.consumers = new ExecutorService[settings.concurrency()];
		this.room = new Semaphore[settings.concurrency()];
		for (int i = 0; i < this.consumers.length; i++) {
			this.room[i] = new Semaphore(InMemoryChannelBinder.MAX_QUEUED);
			String name = "switchboard-memory-" + destination.name() + "-" + group + "-"
					+ binder.nextThreadNumber();
			this.consumers[i] = Executors.newSingleThreadExecutor((runnable) -> {
				Thread thread = InMemoryChannelBinder.daemon(runnable, name);
				this.threads.add(thread);
				return thread;
			});
		}
	}

	@Override
	public ChannelDestination destination() {
		return this.destination;
	}

	@Override
	public String group() {
		return this.group;
	}

	/**
	 * Queues a message for the consumer of its slot, waiting for room until the deadline.
	 * @return {@code false} when there was no room in time (a closed subscription drops it with a warning)
	 */
	boolean enqueue(Message message, int slot, long deadlineNanos) {
		int index = Math.floorMod(slot, this.consumers.length);
		Semaphore room = this.room[index];
		try {
			if (!room.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
				return false;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		try {
			this.consumers[index].execute(() -> {
				try {
					process(message);
				}
				finally {
					room.release();
				}
			});
		}
		catch (RejectedExecutionException ex) {
			room.release();
			logger.warn("Subscription " + this + " is closed: dropped " + message);
		}
		return true;
	}

	private void process(Message message) {
		RetrySettings retry = this.settings.retry();
		BackOffExecution backOff = null;
		for (int attempt = 1; this.active; attempt++) {
			MessageContext context = new MessageContext(this.destination, this.group, message, attempt);
			try {
				Message reply = this.handler.handle(message, context);
				if (reply != null) {
					this.binder.reply(message, reply);
				}
				return;
			}
			catch (Throwable ex) {
				if (ex instanceof VirtualMachineError error) {
					throw error;
				}
				if (ex instanceof UnreadableMessageException || attempt >= retry.maxAttempts()) {
					deadLetter(context, ex);
					return;
				}
				if (logger.isDebugEnabled()) {
					logger.debug("Attempt " + attempt + " of " + context + " failed; retrying", ex);
				}
				if (backOff == null) {
					backOff = retry.backOff().start();
				}
				long delay = backOff.nextBackOff();
				if (delay == BackOffExecution.STOP) {
					deadLetter(context, ex);
					return;
				}
				if (!sleep(Duration.ofMillis(delay))) {
					return;
				}
			}
		}
	}

	/**
	 * Waits out a backoff.
	 * @return {@code false} when the subscription was closed meanwhile: the in-memory broker does not keep
	 * the message
	 */
	private boolean sleep(Duration delay) {
		try {
			return !this.closing.await(delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void deadLetter(MessageContext context, Throwable failure) {
		ChannelDestination deadLetter = this.settings.deadLetter();
		if (deadLetter == null) {
			logger.error("Dropping " + context.getMessage() + " of " + context + " (dead-lettering is disabled)",
					failure);
			return;
		}
		InMemoryTopic.Delivery delivery = this.binder.deadLetter(deadLetter,
				DeadLetterHeaders.deadLetter(context, failure));
		if (delivery.groups() == 0 || delivery.full() > 0) {
			// Nothing keeps a dead letter nobody consumes: say so loudly rather than lose it quietly.
			logger.error("Dropping " + context.getMessage() + " of " + context + ": "
					+ ((delivery.groups() == 0) ? "no subscription on" : "no room in") + " the dead-letter"
					+ " destination '" + deadLetter.name() + "'", failure);
			return;
		}
		logger.warn("Moved " + context.getMessage() + " to '" + deadLetter.name() + "' after attempt "
				+ context.getDeliveryAttempt() + ": " + failure);
	}

	@Override
	public void close() {
		if (!this.active) {
			return;
		}
		this.active = false;
		this.closing.countDown();
		this.binder.unsubscribed(this);
		// Like a broker's listener container: let messages in flight finish, drop those still queued.
		for (ExecutorService consumer : this.consumers) {
			consumer.shutdown();
		}
		if (this.threads.contains(Thread.currentThread())) {
			return;
		}
		long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
		for (ExecutorService consumer : this.consumers) {
			try {
				if (!consumer.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
					consumer.shutdownNow();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				consumer.shutdownNow();
			}
		}
	}

	@Override
	public String toString() {
		return "memory:" + this.destination.name() + "/" + this.group;
	}

}
