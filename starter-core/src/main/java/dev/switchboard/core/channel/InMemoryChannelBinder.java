package dev.switchboard.core.channel;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

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

	private final String replyAddress = "memory:" + UUID.randomUUID();

	private final Map<String, InMemoryTopic> topics = new ConcurrentHashMap<>();

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
		InMemoryTopic topic = this.topics.get(destination.name());
		InMemoryTopic.Delivery delivery = (topic != null)
				? topic.deliver(message, System.nanoTime() + timeout.toNanos()) : InMemoryTopic.Delivery.NO_GROUP;
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
		InMemoryTopic topic = this.topics.computeIfAbsent(destination.name(), (name) -> new InMemoryTopic());
		InMemorySubscription subscription = new InMemorySubscription(this, destination, group, handler, settings);
		topic.add(subscription);
		return subscription;
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
		for (InMemoryTopic topic : this.topics.values()) {
			topic.members().forEach(InMemorySubscription::close);
		}
		this.topics.clear();
		this.timer.shutdownNow();
		this.pendingReplies.values().forEach((reply) -> reply.completeExceptionally(closedException()));
		this.pendingReplies.clear();
	}

	/**
	 * Delivers a dead letter within the default publish timeout, and counts it when every group took it.
	 */
	InMemoryTopic.Delivery deadLetter(ChannelDestination deadLetter, Message message) {
		InMemoryTopic topic = this.topics.get(deadLetter.name());
		InMemoryTopic.Delivery delivery = (topic != null)
				? topic.deliver(message, System.nanoTime() + DEFAULT_PUBLISH_TIMEOUT.toNanos())
				: InMemoryTopic.Delivery.NO_GROUP;
		if (delivery.groups() > 0 && delivery.full() == 0) {
			this.deadLettered.computeIfAbsent(deadLetter.name(), (name) -> new AtomicLong()).incrementAndGet();
		}
		return delivery;
	}

	void unsubscribed(InMemorySubscription subscription) {
		InMemoryTopic topic = this.topics.get(subscription.destination().name());
		if (topic != null) {
			topic.remove(subscription);
		}
	}

	int nextThreadNumber() {
		return this.threadCount.incrementAndGet();
	}

	void reply(Message request, Message reply) {
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

	static Thread daemon(Runnable runnable, String name) {
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

	@Override
	public String toString() {
		return "InMemoryChannelBinder[destinations=" + this.topics.keySet() + "]";
	}

}
