package dev.switchboard.autoconfigure.channel.rabbit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.switchboard.core.channel.ChannelBinder;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ChannelPublishException;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.DeadLetterHeaders;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.MessageHandler;
import dev.switchboard.core.channel.ReplyTimeoutException;
import dev.switchboard.core.channel.RetrySettings;
import dev.switchboard.core.channel.Subscription;
import dev.switchboard.core.channel.UnreadableMessageException;
import dev.switchboard.core.resilience.Backoff;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.AsyncRabbitTemplate;
import org.springframework.amqp.rabbit.RabbitMessageFuture;
import org.springframework.amqp.rabbit.config.RetryInterceptorBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitOperations;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.retry.MessageRecoverer;
import org.springframework.amqp.rabbit.support.ListenerExecutionFailedException;
import org.springframework.core.retry.RetryPolicy;

/**
 * A {@link ChannelBinder} on RabbitMQ through Spring AMQP: a destination is a durable topic exchange, a consumer
 * group is a durable queue {@code <destination>.<group>} bound to it with {@code #}, the message key is the
 * routing key and the {@link #KEY_HEADER} header.
 * <ul>
 * <li>{@link #send} publishes persistent messages, mandatory, with correlated publisher confirms: its future
 * completes when the broker confirmed the message and did not return it as unroutable. A nack, a return, a
 * confirm timeout or a connection failure is retried ({@link Settings#publishAttempts()} in all, with doubling
 * backoff), so a broker restart does not lose a publish that reported success; a retry after a lost confirm may
 * duplicate a message, which listeners' duplicate suppression absorbs.</li>
 * <li>Each subscription is a {@link SimpleMessageListenerContainer} with {@code concurrency} consumers and
 * {@link AcknowledgeMode#AUTO}: a message is acknowledged after its handler returned (or it was dead-lettered)
 * and requeued if the consumer dies first. With one consumer, a key's messages are processed in order.</li>
 * <li>Failures are retried in the consumer by a stateless {@link RetryInterceptorBuilder retry interceptor} with
 * the channel's backoff, then the message is republished with confirms to the dead-letter exchange (a topic
 * exchange with a durable queue of the same name) with {@link DeadLetterHeaders}.</li>
 * <li>{@link #request} uses RabbitMQ's direct reply-to through an {@link AsyncRabbitTemplate}.</li>
 * </ul>
 *
 * @author Switchboard
 */
public final class RabbitChannelBinder implements ChannelBinder {

	/** The binder's name in configuration. */
	public static final String NAME = "rabbit";

	/** Header carrying the message key, which also is the routing key when it fits (255 bytes). */
	public static final String KEY_HEADER = "switchboard-key";

	// Counts attempts on the delivered message object, which the retry interceptor hands back on each attempt.
	private static final String ATTEMPT_PROPERTY = "switchboard-delivery-attempt";

	private static final int MAX_ROUTING_KEY_BYTES = 255;

	private static final Log logger = LogFactory.getLog(RabbitChannelBinder.class);

	private final CachingConnectionFactory connectionFactory;

	private final Settings settings;

	private final RabbitTemplate template;

	private final RabbitAdmin admin;

	private final ScheduledExecutorService scheduler;

	private final Set<String> declaredExchanges = ConcurrentHashMap.newKeySet();

	private final List<RabbitSubscription> subscriptions = new CopyOnWriteArrayList<>();

	private final Object lock = new Object();

	private @Nullable AsyncRabbitTemplate requestTemplate;

	private volatile boolean used;

	private volatile boolean closed;

	private final BlockingQueue<Publication> outbox = new LinkedBlockingQueue<>();

	private @Nullable Thread publisher;

	/**
	 * Creates a binder. The binder owns the connection factory and destroys it on {@link #close()}; it turns on
	 * correlated publisher confirms and returns. No connection is made before the first use.
	 * @param connectionFactory the connection factory
	 * @param settings queue type, prefetch and publish retries
	 */
	public RabbitChannelBinder(CachingConnectionFactory connectionFactory, Settings settings) {
		this.connectionFactory = connectionFactory;
		this.settings = Objects.requireNonNull(settings, "settings");
		connectionFactory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
		connectionFactory.setPublisherReturns(true);
		this.template = new RabbitTemplate(connectionFactory);
		this.template.setMandatory(true);
		// Publishers on their own connection: a blocked (flow-controlled) publisher must not stall consumers.
		this.template.setUsePublisherConnection(true);
		this.admin = new RabbitAdmin(connectionFactory);
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "switchboard-rabbit-publisher");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public CompletableFuture<Void> send(ChannelDestination destination, Message message) {
		if (this.closed) {
			return CompletableFuture.failedFuture(closedException());
		}
		this.used = true;
		return publish(destination.name(), message);
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
		this.used = true;
		String queue = destination.name() + "." + group;
		declareQueue(destination.name(), queue);
		ChannelDestination deadLetter = settings.deadLetter();
		if (deadLetter != null) {
			// The dead-letter queue keeps dead letters even before anyone consumes them.
			declareQueue(deadLetter.name(), deadLetter.name());
		}
		SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(this.connectionFactory);
		container.setQueueNames(queue);
		container.setConcurrentConsumers(settings.concurrency());
		container.setPrefetchCount(this.settings.prefetch());
		container.setAcknowledgeMode(AcknowledgeMode.AUTO);
		// A message whose dead-lettering failed goes back to the queue rather than away.
		container.setDefaultRequeueRejected(true);
		container.setMissingQueuesFatal(false);
		container.setRecoveryInterval(1000);
		container.setAdviceChain(retryInterceptor(destination, group, settings));
		container.setMessageListener((org.springframework.amqp.core.MessageListener) (
				amqp) -> onMessage(destination, group, handler, amqp));
		container.setBeanName("switchboard-rabbit-" + queue);
		container.afterPropertiesSet();
		RabbitSubscription subscription = new RabbitSubscription(destination, group, container);
		this.subscriptions.add(subscription);
		container.start();
		return subscription;
	}

	@Override
	public CompletableFuture<Message> request(ChannelDestination destination, Message request, Duration timeout) {
		if (this.closed) {
			return CompletableFuture.failedFuture(closedException());
		}
		this.used = true;
		CompletableFuture<Message> reply = new CompletableFuture<>();
		try {
			declareExchange(destination.name());
			RabbitMessageFuture future = requestTemplate().sendAndReceive(destination.name(),
					routingKey(request.getKey()), toAmqp(request));
			ScheduledFuture<?> timer = this.scheduler.schedule(() -> {
				if (reply.completeExceptionally(new ReplyTimeoutException(destination, timeout))) {
					future.cancel(false);
				}
			}, timeout.toMillis(), TimeUnit.MILLISECONDS);
			future.whenComplete((amqp, failure) -> {
				timer.cancel(false);
				if (failure == null) {
					reply.complete(toMessage(amqp));
				}
				else {
					reply.completeExceptionally(new ChannelPublishException(
							"RabbitMQ did not deliver request " + request + " to " + destination, failure));
				}
			});
		}
		catch (AmqpException | RejectedExecutionException ex) {
			reply.completeExceptionally(
					new ChannelPublishException("RabbitMQ did not accept request " + request + " for " + destination, ex));
		}
		return reply;
	}

	/**
	 * Opens (or reuses) the connection and reads the broker's version, for health checks.
	 * @return the broker version
	 */
	public String serverVersion() {
		try (Connection connection = this.connectionFactory.createConnection()) {
			Object version = connection.getDelegate().getServerProperties().get("version");
			return String.valueOf(version);
		}
	}

	/**
	 * Whether any channel has used this binder yet: nothing connects to RabbitMQ before.
	 * @return whether the binder was used
	 */
	public boolean isUsed() {
		return this.used;
	}

	/**
	 * The binder's settings.
	 * @return the settings
	 */
	public Settings getSettings() {
		return this.settings;
	}

	/**
	 * The messages waiting in the dead-letter queue (the queue of the dead-letter destination's name), as the
	 * broker counts them.
	 */
	@Override
	public @Nullable Long deadLetterCount(ChannelDestination deadLetter) {
		if (this.closed || !this.used) {
			return null;
		}
		try {
			QueueInformation queue = this.admin.getQueueInfo(deadLetter.name());
			return (queue != null) ? Long.valueOf(queue.getMessageCount()) : null;
		}
		catch (AmqpException ex) {
			return null;
		}
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.subscriptions.forEach(RabbitSubscription::close);
		synchronized (this.lock) {
			if (this.requestTemplate != null) {
				this.requestTemplate.stop();
			}
		}
		this.scheduler.shutdownNow();
		Thread thread;
		synchronized (this.lock) {
			thread = this.publisher;
		}
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(2000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.connectionFactory.destroy();
	}

	private CompletableFuture<Void> publish(String exchange, Message message) {
		CompletableFuture<Void> result = new CompletableFuture<>();
		org.springframework.amqp.core.Message amqp = toAmqp(message);
		attempt(exchange, routingKey(message.getKey()), amqp, 1, result);
		return result;
	}

	/**
	 * Queues one publish attempt for the publisher thread; neither RabbitMQ's client nor Spring AMQP retries a
	 * publish whose confirm failed.
	 */
	private void attempt(String exchange, String routingKey, org.springframework.amqp.core.Message amqp, int attempt,
			CompletableFuture<Void> result) {
		if (this.closed) {
			result.completeExceptionally(new ChannelPublishException("The RabbitMQ channel binder is closed",
					closedException()));
			return;
		}
		this.outbox.add(new Publication(exchange, routingKey, amqp, attempt, result));
		startPublisher();
	}

	private void startPublisher() {
		synchronized (this.lock) {
			if (this.publisher == null && !this.closed) {
				Thread thread = new Thread(this::runPublisher, "switchboard-rabbit-publisher");
				thread.setDaemon(true);
				thread.start();
				this.publisher = thread;
			}
		}
	}

	/**
	 * Publishes everything on one channel held for as long as it works. RabbitMQ keeps the order of messages per
	 * channel only, and Spring AMQP does not return a channel with unconfirmed messages to its cache, so a
	 * channel per publish would either reorder messages or wait for every confirm in turn; a dedicated channel
	 * keeps the order and keeps many confirms in flight. A broken channel (a broker restart) is replaced.
	 */
	private void runPublisher() {
		while (!this.closed) {
			try {
				this.template.invoke((operations) -> {
					while (!this.closed) {
						Publication next;
						try {
							next = this.outbox.poll(100, TimeUnit.MILLISECONDS);
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
							return null;
						}
						if (next != null) {
							send(operations, next);
						}
					}
					return null;
				});
			}
			catch (RuntimeException ex) {
				if (!this.closed) {
					if (logger.isDebugEnabled()) {
						logger.debug("Publishing channel failed, opening another: " + ex);
					}
					Backoff.sleep(this.settings.publishBackoff());
				}
			}
			if (Thread.currentThread().isInterrupted()) {
				break;
			}
		}
		Publication left;
		while ((left = this.outbox.poll()) != null) {
			left.result().completeExceptionally(new ChannelPublishException("The RabbitMQ channel binder is closed",
					closedException()));
		}
	}

	private void send(RabbitOperations operations, Publication publication) {
		String exchange = publication.exchange();
		String routingKey = publication.routingKey();
		org.springframework.amqp.core.Message amqp = publication.amqp();
		int attempt = publication.attempt();
		CompletableFuture<Void> result = publication.result();
		CorrelationData correlation = new CorrelationData(amqp.getMessageProperties().getMessageId() + "#" + attempt);
		try {
			declareExchange(exchange);
			operations.send(exchange, routingKey, amqp, correlation);
		}
		catch (RuntimeException ex) {
			retryOrFail(exchange, routingKey, amqp, attempt, result, ex);
			// Drop the channel: the next publish gets a new one.
			throw ex;
		}
		correlation.getFuture()
			.orTimeout(this.settings.confirmTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((confirm, failure) -> {
				ReturnedMessage returned = correlation.getReturned();
				if (failure == null && confirm.ack() && returned == null) {
					result.complete(null);
					return;
				}
				Throwable cause = (failure instanceof TimeoutException)
						? new TimeoutException("no publisher confirm within " + this.settings.confirmTimeout())
						: (failure != null) ? failure
								: (returned != null)
										? new IllegalStateException("unroutable: returned by the broker ("
												+ returned.getReplyCode() + " " + returned.getReplyText()
												+ "); no queue is bound to exchange '" + exchange + "'")
										: new IllegalStateException("nacked by the broker: " + confirm.reason());
				retryOrFail(exchange, routingKey, amqp, attempt, result, cause);
			});
	}


	/** One publish attempt waiting for the publisher thread. */
	private record Publication(String exchange, String routingKey, org.springframework.amqp.core.Message amqp,
			int attempt, CompletableFuture<Void> result) {
	}

	private void retryOrFail(String exchange, String routingKey, org.springframework.amqp.core.Message amqp,
			int attempt, CompletableFuture<Void> result, Throwable failure) {
		if (attempt >= this.settings.publishAttempts() || this.closed) {
			result.completeExceptionally(new ChannelPublishException("RabbitMQ did not confirm message "
					+ amqp.getMessageProperties().getMessageId() + " to exchange '" + exchange + "' after " + attempt
					+ ((attempt == 1) ? " attempt" : " attempts") + ": " + failure.getMessage(), failure));
			return;
		}
		if (failure instanceof AmqpException) {
			// The exchange may have been lost with the connection (a broker reset): declare it again.
			this.declaredExchanges.remove(exchange);
		}
		long delay = this.settings.publishBackoff().toMillis() << Math.min(attempt - 1, 16);
		if (logger.isDebugEnabled()) {
			logger.debug("Publish attempt " + attempt + " of message " + amqp.getMessageProperties().getMessageId()
					+ " failed, retrying in " + delay + " ms: " + failure);
		}
		try {
			// On the scheduler, never on the confirm callback thread that must not publish.
			this.scheduler.schedule(() -> attempt(exchange, routingKey, amqp, attempt + 1, result), delay,
					TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			result.completeExceptionally(new ChannelPublishException("The RabbitMQ channel binder is closed", failure));
		}
	}

	private void onMessage(ChannelDestination destination, String group, MessageHandler handler,
			org.springframework.amqp.core.Message amqp) {
		MessageProperties properties = amqp.getMessageProperties();
		Object previous = properties.getHeaders().get(ATTEMPT_PROPERTY);
		int attempt = (previous instanceof Integer count) ? count + 1 : 1;
		properties.getHeaders().put(ATTEMPT_PROPERTY, attempt);
		Message message = toMessage(amqp);
		MessageContext context = new MessageContext(destination, group, message, attempt);
		Message reply;
		try {
			reply = handler.handle(message, context);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new HandlerFailedException(ex);
		}
		String replyTo = properties.getReplyTo();
		// A dead letter keeps no reply address, but a foreign copy might: nobody answers from the DLQ.
		if (reply != null && replyTo != null && message.getHeader(DeadLetterHeaders.EXCEPTION_CLASS) == null) {
			org.springframework.amqp.core.Message answer = toAmqp(reply);
			answer.getMessageProperties().setCorrelationId(properties.getCorrelationId());
			CorrelationData correlation = new CorrelationData(reply.getId());
			this.template.send("", replyTo, answer, correlation);
			correlation.getFuture().whenComplete((confirm, failure) -> {
				if (failure != null || !confirm.ack() || correlation.getReturned() != null) {
					logger.warn("Reply " + reply + " to " + context + " was not delivered: the requester is gone");
				}
			});
		}
	}

	private org.aopalliance.intercept.MethodInterceptor retryInterceptor(ChannelDestination destination,
			String group, ConsumerSettings settings) {
		RetrySettings retry = settings.retry();
		RetryPolicy policy = RetryPolicy.builder()
			.maxRetries(retry.maxAttempts() - 1)
			.delay(retry.backoff().isZero() ? Duration.ofMillis(1) : retry.backoff())
			.multiplier(retry.multiplier())
			.maxDelay(retry.maxBackoff().isZero() ? Duration.ofMillis(1) : retry.maxBackoff())
			.predicate((failure) -> !causedBy(failure, UnreadableMessageException.class))
			.build();
		return RetryInterceptorBuilder.stateless()
			.retryPolicy(policy)
			.recoverer(recoverer(destination, group, settings.deadLetter()))
			.build();
	}

	private MessageRecoverer recoverer(ChannelDestination destination, String group,
			@Nullable ChannelDestination deadLetter) {
		return (amqp, failure) -> {
			Throwable cause = unwrap(failure);
			Object attempts = amqp.getMessageProperties().getHeaders().get(ATTEMPT_PROPERTY);
			MessageContext context = new MessageContext(destination, group, toMessage(amqp),
					(attempts instanceof Integer count) ? count : 1);
			if (deadLetter == null) {
				logger.error("Dropping " + context.getMessage() + " of " + context + " (dead-lettering is disabled)",
						cause);
				return;
			}
			try {
				// Waits for the confirm: the original is acknowledged only once the dead letter is safe.
				publish(deadLetter.name(), DeadLetterHeaders.deadLetter(context, cause)).get();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while dead-lettering " + context, ex);
			}
			catch (ExecutionException ex) {
				// Rejected with requeue by the container: the message comes back rather than being lost.
				throw new IllegalStateException("Could not dead-letter " + context, ex.getCause());
			}
			logger.warn("Moved " + context.getMessage() + " to '" + deadLetter.name() + "' after attempt "
					+ context.getDeliveryAttempt() + ": " + cause);
		};
	}

	private AsyncRabbitTemplate requestTemplate() {
		synchronized (this.lock) {
			if (this.requestTemplate == null) {
				// Its own template: the async template registers itself for the returns of its requests.
				AsyncRabbitTemplate requests = new AsyncRabbitTemplate(new RabbitTemplate(this.connectionFactory));
				requests.setMandatory(true);
				// Replies are awaited per request; this is only the upper bound that frees forgotten requests.
				requests.setReceiveTimeout(Duration.ofMinutes(10).toMillis());
				requests.start();
				this.requestTemplate = requests;
			}
			return this.requestTemplate;
		}
	}

	private void declareExchange(String exchange) {
		if (!exchange.isEmpty() && !this.declaredExchanges.contains(exchange)) {
			this.admin.declareExchange(new TopicExchange(exchange, true, false));
			this.declaredExchanges.add(exchange);
		}
	}

	private void declareQueue(String exchange, String queueName) {
		declareExchange(exchange);
		QueueBuilder builder = QueueBuilder.durable(queueName);
		if (this.settings.queueType() == QueueType.QUORUM) {
			builder.quorum();
		}
		Queue queue = builder.build();
		this.admin.declareQueue(queue);
		this.admin.declareBinding(BindingBuilder.bind(queue).to(new TopicExchange(exchange, true, false)).with("#"));
	}

	private static String routingKey(@Nullable String key) {
		if (key == null || key.getBytes(StandardCharsets.UTF_8).length > MAX_ROUTING_KEY_BYTES) {
			return "";
		}
		return key;
	}

	private static org.springframework.amqp.core.Message toAmqp(Message message) {
		MessageProperties properties = new MessageProperties();
		properties.setMessageId(message.getId());
		properties.setDeliveryMode(org.springframework.amqp.core.MessageDeliveryMode.PERSISTENT);
		properties.setContentType(MessageProperties.CONTENT_TYPE_BYTES);
		message.getHeaders().forEach(properties::setHeader);
		if (message.getKey() != null) {
			properties.setHeader(KEY_HEADER, message.getKey());
		}
		return new org.springframework.amqp.core.Message(message.getPayload(), properties);
	}

	private static Message toMessage(org.springframework.amqp.core.Message amqp) {
		MessageProperties properties = amqp.getMessageProperties();
		Message.Builder builder = Message.builder(amqp.getBody());
		String id = properties.getMessageId();
		// A message from another publisher may have no id: then duplicates of it cannot be recognised.
		builder.id((id != null && !id.isBlank()) ? id : UUID.randomUUID().toString());
		for (Map.Entry<String, @Nullable Object> header : properties.getHeaders().entrySet()) {
			String name = header.getKey();
			Object value = header.getValue();
			if (value == null || name.startsWith("x-") || name.startsWith("spring_") || name.equals(ATTEMPT_PROPERTY)) {
				continue;
			}
			if (name.equals(KEY_HEADER)) {
				builder.key(value.toString());
			}
			else {
				builder.header(name, value.toString());
			}
		}
		return builder.build();
	}

	private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return true;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return false;
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while (current.getCause() != null && (current instanceof ListenerExecutionFailedException
				|| current instanceof HandlerFailedException)) {
			current = current.getCause();
		}
		return current;
	}

	private static IllegalStateException closedException() {
		return new IllegalStateException("The RabbitMQ channel binder is closed");
	}

	@Override
	public String toString() {
		return "RabbitChannelBinder[subscriptions=" + this.subscriptions + "]";
	}

	/**
	 * The kind of queue the binder declares for a consumer group.
	 */
	public enum QueueType {

		/** A classic durable queue. */
		CLASSIC,

		/** A quorum queue: replicated, for clusters. */
		QUORUM

	}

	/**
	 * Settings of a {@link RabbitChannelBinder}.
	 *
	 * @param queueType the type of the queues declared for consumer groups
	 * @param prefetch unacknowledged messages per consumer
	 * @param publishAttempts publish attempts per message, including the first
	 * @param publishBackoff delay before the second publish attempt, doubling for each further one
	 * @param confirmTimeout how long a publish waits for the broker's confirm before it is retried
	 */
	public record Settings(QueueType queueType, int prefetch, int publishAttempts, Duration publishBackoff,
			Duration confirmTimeout) {

		/**
		 * Checks the values.
		 * @param queueType the queue type
		 * @param prefetch the prefetch
		 * @param publishAttempts the publish attempts
		 * @param publishBackoff the first publish backoff
		 * @param confirmTimeout the confirm timeout
		 */
		public Settings {
			Objects.requireNonNull(queueType, "queueType");
			if (prefetch < 1) {
				throw new IllegalArgumentException("prefetch must be at least 1 but was " + prefetch);
			}
			if (publishAttempts < 1) {
				throw new IllegalArgumentException("publishAttempts must be at least 1 but was " + publishAttempts);
			}
			if (publishBackoff.isNegative()) {
				throw new IllegalArgumentException("publishBackoff must not be negative but was " + publishBackoff);
			}
			if (confirmTimeout.isNegative() || confirmTimeout.isZero()) {
				throw new IllegalArgumentException("confirmTimeout must be positive but was " + confirmTimeout);
			}
		}

		/**
		 * Classic queues, prefetch 250, 5 publish attempts 200 ms apart and doubling, 10 s confirm timeout.
		 * @return the default settings
		 */
		public static Settings ofDefaults() {
			return new Settings(QueueType.CLASSIC, 250, 5, Duration.ofMillis(200), Duration.ofSeconds(10));
		}

	}

	/**
	 * Carries a checked exception of a handler through Spring AMQP's listener interface.
	 */
	private static final class HandlerFailedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		HandlerFailedException(Exception cause) {
			super(cause.toString(), cause);
		}

	}

	/**
	 * One listener container.
	 */
	private final class RabbitSubscription implements Subscription {

		private final ChannelDestination destination;

		private final String group;

		private final SimpleMessageListenerContainer container;

		RabbitSubscription(ChannelDestination destination, String group, SimpleMessageListenerContainer container) {
			this.destination = destination;
			this.group = group;
			this.container = container;
		}

		@Override
		public ChannelDestination destination() {
			return this.destination;
		}

		@Override
		public String group() {
			return this.group;
		}

		@Override
		public void close() {
			// Finishes the messages in flight; unacknowledged prefetched ones go back to the queue.
			this.container.stop();
			this.container.destroy();
			RabbitChannelBinder.this.subscriptions.remove(this);
		}

		@Override
		public String toString() {
			return "rabbit:" + this.destination.name() + "." + this.group;
		}

	}

}
