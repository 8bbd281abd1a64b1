package dev.switchboard.core.channel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOffExecution;

/**
 * A {@link ChannelBinder} inside this JVM, with a broker's delivery semantics so that applications and tests
 * behave as they will on Kafka or RabbitMQ:
 * <ul>
 * <li>each consumer group receives every message; within a group the subscriptions compete, and a key always
 * goes to the same subscription and, within it, to the same one of its {@code concurrency} consumer threads,
 * so messages with one key are processed one at a time in publication order;</li>
 * <li>a failing handler is retried on its consumer thread after the backoff (blocking that thread's later
 * messages, as a Kafka partition is blocked), then the message goes to the dead-letter destination with
 * {@link DeadLetterHeaders};</li>
 * <li>requests are answered by the first handler that returns a reply.</li>
 * </ul>
 * Messages are not persisted: a message sent to a destination without subscriptions is dropped, with a warning
 * once per destination, and closing a subscription lets the messages in flight finish but drops those queued.
 * At most {@value #MAX_QUEUED} messages wait per consumer thread: a publisher faster than its consumer waits for
 * room, at most its deadline, and then fails ({@link MessageNotPublishedException} when no group took the
 * message).
 *
 * @author Switchboard
 */
public final class InMemoryChannelBinder implements ChannelBinder {

	/** The binder's name in configuration. */
	public static final String NAME = "memory";

	private static final Log logger = LogFactory.getLog(InMemoryChannelBinder.class);

	/** Messages waiting per consumer thread, at most: a publisher waits for room, at most its deadline. */
	static final int MAX_QUEUED = 10_000;

	/** How long closing a subscription waits for the messages in flight. */
	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final String replyAddress = "memory:" + UUID.randomUUID();

	private final Map<String, Topic> topics = new ConcurrentHashMap<>();

	private final Map<String, CompletableFuture<Message>> pendingReplies = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> deadLettered = new ConcurrentHashMap<>();

	private final Set<String> warnedUnsubscribed = ConcurrentHashMap.newKeySet();

	private final ScheduledExecutorService timer;

	private final AtomicInteger threadCount = new AtomicInteger();

	private volatile boolean closed;

	/**
	 * Creates a binder without subscriptions.
	 */
	public InMemoryChannelBinder() {
		this.timer = Executors
			.newSingleThreadScheduledExecutor((runnable) -> daemon(runnable, "switchboard-memory-timer"));
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public CompletableFuture<Void> send(ChannelDestination destination, Message message, Duration timeout) {
		if (this.closed) {
			return CompletableFuture.failedFuture(notPublished(destination, message, "the in-memory binder is closed"));
		}
		Topic topic = this.topics.get(destination.name());
		Delivery delivery = (topic != null) ? topic.deliver(message, System.nanoTime() + timeout.toNanos())
				: Delivery.NO_GROUP;
		if (delivery.groups() == 0) {
			// Nothing keeps a message in memory: without a subscriber it is gone, which must not go unnoticed.
			if (this.warnedUnsubscribed.add(destination.name())) {
				logger.warn("No listener in this application subscribes to destination '" + destination.name()
						+ "' of the in-memory binder: messages sent there are dropped (first: " + message
						+ "). Use a broker binder (switchboard.channels." + destination.channel()
						+ ".binder) to reach other applications.");
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("No subscription on destination '" + destination.name() + "': dropped " + message);
			}
		}
		if (delivery.full() == 0) {
			return CompletableFuture.completedFuture(null);
		}
		String reason = delivery.full() + " consumer group(s) had " + MAX_QUEUED + " messages waiting on the"
				+ " consumer this message's key goes to, and no room within the publish deadline of "
				+ timeout.toMillis() + " ms";
		return CompletableFuture.failedFuture((delivery.full() == delivery.groups())
				? notPublished(destination, message, reason)
				: new PublishOutcomeUnknownException("Message " + message.getId() + " to " + destination
						+ " reached some consumer groups only: " + reason, message.getId(), null));
	}

	private static MessageNotPublishedException notPublished(ChannelDestination destination, Message message,
			String reason) {
		return new MessageNotPublishedException("Message " + message.getId() + " to " + destination
				+ " was not published: " + reason, message.getId(), null);
	}

	@Override
	public Subscription subscribe(ChannelDestination destination, String group, MessageHandler handler,
			ConsumerSettings settings) {
		if (this.closed) {
			throw closedException();
		}
		if (group.isBlank()) {
			throw new IllegalArgumentException("group must not be blank but was '" + group + "'");
		}
		Topic topic = this.topics.computeIfAbsent(destination.name(), (name) -> new Topic());
		Member member = new Member(destination, group, handler, settings);
		topic.add(member);
		return member;
	}

	@Override
	public CompletableFuture<Message> request(ChannelDestination destination, Message request, Duration timeout) {
		String correlationId = UUID.randomUUID().toString();
		CompletableFuture<Message> reply = new CompletableFuture<>();
		this.pendingReplies.put(correlationId, reply);
		Message message = request.mutate()
			.header(Message.CORRELATION_ID_HEADER, correlationId)
			.header(Message.REPLY_TO_HEADER, this.replyAddress)
			.build();
		try {
			this.timer.schedule(() -> {
				if (this.pendingReplies.remove(correlationId, reply)) {
					reply.completeExceptionally(new ReplyTimeoutException(destination, timeout));
				}
			}, timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.pendingReplies.remove(correlationId);
			return CompletableFuture.failedFuture(closedException());
		}
		send(destination, message, timeout).whenComplete((ignored, failure) -> {
			if (failure != null && this.pendingReplies.remove(correlationId, reply)) {
				reply.completeExceptionally(failure);
			}
		});
		return reply;
	}

	/**
	 * The messages dead-lettered to the destination since this binder started (the memory binder keeps no
	 * messages, so it counts the ones it moved there).
	 */
	@Override
	public @Nullable Long deadLetterCount(ChannelDestination deadLetter) {
		AtomicLong count = this.deadLettered.get(deadLetter.name());
		return (count != null) ? count.get() : 0L;
	}

	@Override
	public void close() {
		this.closed = true;
		for (Topic topic : this.topics.values()) {
			topic.members.forEach(Member::close);
		}
		this.topics.clear();
		this.timer.shutdownNow();
		this.pendingReplies.values().forEach((reply) -> reply.completeExceptionally(closedException()));
		this.pendingReplies.clear();
	}

	private void reply(Message request, Message reply) {
		String correlationId = request.getHeader(Message.CORRELATION_ID_HEADER);
		if (!this.replyAddress.equals(request.getHeader(Message.REPLY_TO_HEADER)) || correlationId == null) {
			return;
		}
		CompletableFuture<Message> pending = this.pendingReplies.remove(correlationId);
		if (pending != null) {
			pending.complete(reply.mutate().header(Message.CORRELATION_ID_HEADER, correlationId).build());
		}
	}

	private static IllegalStateException closedException() {
		return new IllegalStateException("The in-memory channel binder is closed");
	}

	private Thread daemon(Runnable runnable, String name) {
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

	@Override
	public String toString() {
		return "InMemoryChannelBinder[destinations=" + this.topics.keySet() + "]";
	}

	/**
	 * What a delivery did: the consumer groups of the destination, and how many of them had no room in time.
	 */
	private record Delivery(int groups, int full) {

		static final Delivery NO_GROUP = new Delivery(0, 0);

	}

	/**
	 * One destination and its subscriptions, grouped by consumer group.
	 */
	private static final class Topic {

		private final List<Member> members = new CopyOnWriteArrayList<>();

		private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();

		void add(Member member) {
			this.members.add(member);
		}

		void remove(Member member) {
			this.members.remove(member);
		}

		/**
		 * Hands the message to one member of every group, waiting for room until the deadline.
		 * @return how many groups there were, and how many had no room
		 */
		Delivery deliver(Message message, long deadlineNanos) {
			Map<String, List<Member>> groups = new LinkedHashMap<>();
			for (Member member : this.members) {
				groups.computeIfAbsent(member.group, (group) -> new ArrayList<>()).add(member);
			}
			String key = message.getKey();
			int full = 0;
			for (Map.Entry<String, List<Member>> entry : groups.entrySet()) {
				List<Member> members = entry.getValue();
				int hash = (key != null) ? spread(key.hashCode())
						: this.roundRobin.computeIfAbsent(entry.getKey(), (name) -> new AtomicInteger())
							.getAndIncrement();
				Member member = members.get(Math.floorMod(hash, members.size()));
				if (!member.enqueue(message, hash / members.size(), deadlineNanos)) {
					full++;
				}
			}
			return new Delivery(groups.size(), full);
		}

		private static int spread(int hash) {
			return (hash ^ (hash >>> 16)) & Integer.MAX_VALUE;
		}

	}

	/**
	 * One subscription: its consumer threads and the delivery loop with retries and dead-lettering.
	 */
	private final class Member implements Subscription {

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

		Member(ChannelDestination destination, String group, MessageHandler handler, ConsumerSettings settings) {
			this.destination = Objects.requireNonNull(destination, "destination");
			this.group = group;
			this.handler = Objects.requireNonNull(handler, "handler");
			this.settings = Objects.requireNonNull(settings, "settings");
			this.consumers = new ExecutorService[settings.concurrency()];
			this.room = new Semaphore[settings.concurrency()];
			for (int i = 0; i < this.consumers.length; i++) {
				this.room[i] = new Semaphore(MAX_QUEUED);
				String name = "switchboard-memory-" + destination.name() + "-" + group + "-"
						+ InMemoryChannelBinder.this.threadCount.incrementAndGet();
				this.consumers[i] = Executors.newSingleThreadExecutor((runnable) -> {
					Thread thread = daemon(runnable, name);
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
						reply(message, reply);
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
			Topic topic = InMemoryChannelBinder.this.topics.get(deadLetter.name());
			Delivery delivery = (topic != null) ? topic.deliver(DeadLetterHeaders.deadLetter(context, failure),
					System.nanoTime() + DEFAULT_PUBLISH_TIMEOUT.toNanos()) : Delivery.NO_GROUP;
			if (delivery.groups() == 0 || delivery.full() > 0) {
				// Nothing keeps a dead letter nobody consumes: say so loudly rather than lose it quietly.
				logger.error("Dropping " + context.getMessage() + " of " + context + ": "
						+ ((delivery.groups() == 0) ? "no subscription on" : "no room in") + " the dead-letter"
						+ " destination '" + deadLetter.name() + "'", failure);
				return;
			}
			InMemoryChannelBinder.this.deadLettered
				.computeIfAbsent(deadLetter.name(), (name) -> new AtomicLong())
				.incrementAndGet();
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
			Topic topic = InMemoryChannelBinder.this.topics.get(this.destination.name());
			if (topic != null) {
				topic.remove(this);
			}
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

}
