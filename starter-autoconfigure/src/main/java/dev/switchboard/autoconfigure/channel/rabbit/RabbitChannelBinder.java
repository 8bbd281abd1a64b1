package dev.switchboard.autoconfigure.channel.rabbit;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.switchboard.core.channel.ChannelBinder;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageHandler;
import dev.switchboard.core.channel.MessageNotPublishedException;
import dev.switchboard.core.channel.Subscription;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

/**
 * A {@link ChannelBinder} on RabbitMQ through Spring AMQP: a destination is a durable topic exchange, a consumer
 * group is a durable queue {@code <destination>.<group>} bound to it with {@code #}, the message key is the
 * routing key and the {@link #KEY_HEADER} header.
 * <ul>
 * <li>{@link #send} publishes persistent messages, mandatory, with publisher confirms, each within its
 * deadline and at most {@link Settings#maxPending()} at once ({@link RabbitPublisher}).</li>
 * <li>Each subscription is a {@link SimpleMessageListenerContainer} made by a container factory (in an
 * application, configured by Spring Boot from {@code spring.rabbitmq.listener.simple.*} and the application's
 * container customizer), with {@code concurrency} consumers and {@link AcknowledgeMode#AUTO}: a message is
 * acknowledged after its handler returned (or it was dead-lettered) and requeued if the consumer dies first. With
 * one consumer, a key's messages are processed in order.</li>
 * <li>Failures are retried in the consumer, then dead-lettered with confirms ({@link RabbitDeadLetters}).</li>
 * <li>{@link #request} publishes the request like a send, with {@code reply_to} naming the binder's reply queue
 * ({@code switchboard.replies.<random>}, exclusive, auto-delete, declared on the first request) and a fresh
 * {@code correlation_id}, and no Spring AMQP header; the reply is matched by correlation id. Replies are published
 * with confirms to the requester's {@code reply_to}, which may also be RabbitMQ's direct reply-to
 * ({@link RabbitRequestReply}).</li>
 * </ul>
 *
 * @author Switchboard
 */
public final class RabbitChannelBinder implements ChannelBinder {

	/** The binder's name in configuration. */
	public static final String NAME = "rabbit";

	/** Header carrying the message key, which also is the routing key when it fits (255 bytes). */
	public static final String KEY_HEADER = RabbitMessageMapper.KEY_HEADER;

	private final CachingConnectionFactory connectionFactory;

	private final Settings settings;

	private final RabbitBinderParts parts;

	private volatile boolean used;

	private volatile boolean closed;

	/**
	 * Creates a binder with Spring AMQP's defaults for its containers and template. The binder owns the
	 * connection factory and destroys it on {@link #close()}; it turns on correlated publisher confirms and
	 * returns. No connection is made before the first use.
	 * @param connectionFactory the connection factory
	 * @param settings queue type, publish retries and the bound on pending publishes
	 */
	public RabbitChannelBinder(CachingConnectionFactory connectionFactory, Settings settings) {
		this(connectionFactory, settings, new SimpleRabbitListenerContainerFactory(), (template) -> {
		});
	}

	/**
	 * Creates a binder. The binder owns the connection factory and destroys it on {@link #close()}; it turns on
	 * correlated publisher confirms and returns. No connection is made before the first use.
	 * @param connectionFactory the connection factory
	 * @param settings queue type, publish retries and the bound on pending publishes
	 * @param containerFactory makes the consumers' containers and the reply queue's (prefetch, executor,
	 * customizer); the binder then sets what its guarantees need: queue, listener, concurrency, acknowledge mode,
	 * retries and dead letters
	 * @param templateConfigurer configures the publishers' template (for example with Spring Boot's
	 * {@code spring.rabbitmq.template.*} and the application's template customizers); the binder then sets a
	 * publisher connection, and publishes on a channel of that connection with the template's before-publish post
	 * processors and encoding, but not through the template's send path (see {@link RabbitPublisher})
	 */
	public RabbitChannelBinder(CachingConnectionFactory connectionFactory, Settings settings,
			SimpleRabbitListenerContainerFactory containerFactory, Consumer<RabbitTemplate> templateConfigurer) {
		this.connectionFactory = connectionFactory;
		this.settings = Objects.requireNonNull(settings, "settings");
		this.parts = new RabbitBinderParts(connectionFactory, settings, containerFactory, templateConfigurer);
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public CompletableFuture<Void> send(ChannelDestination destination, Message message, Duration timeout) {
		if (this.closed) {
			return CompletableFuture.failedFuture(new MessageNotPublishedException("Message " + message.getId()
					+ " to " + destination + " was not published: the RabbitMQ channel binder is closed",
					message.getId(), null));
		}
		this.used = true;
		return this.parts.publisher.publish(destination, message, timeout);
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
		return this.parts.subscriptions.subscribe(destination, group, handler, settings,
				this.settings.queue(destination.channel()));
	}

	@Override
	public CompletableFuture<Message> request(ChannelDestination destination, Message request, Duration timeout) {
		if (this.closed) {
			return CompletableFuture.failedFuture(closedException());
		}
		this.used = true;
		return this.parts.requestReply.request(destination, request, timeout);
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
	 * Publishes holding a place in the binder's window now (at most {@link Settings#maxPending()}).
	 */
	@Override
	public Integer pendingPublishes() {
		return this.parts.window.pending();
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
		return this.parts.topology.messageCount(deadLetter.name());
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.parts.close();
		this.connectionFactory.destroy();
	}

	private static IllegalStateException closedException() {
		return new IllegalStateException("The RabbitMQ channel binder is closed");
	}

	@Override
	public String toString() {
		return "RabbitChannelBinder[subscriptions=" + this.parts.subscriptions + ", " + this.parts.window + "]";
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
	 * How a channel's queues are declared.
	 *
	 * @param type the queue type of the channel's group and dead-letter queues
	 * @param deliveryLimit deliveries of a message that end without an acknowledgement (its consumer crashed or
	 * lost its connection) before the broker dead-letters it; quorum queues only, {@code null} for no limit
	 */
	public record QueueSettings(QueueType type, @Nullable Integer deliveryLimit) {

		/**
		 * Checks the values.
		 * @param type the queue type
		 * @param deliveryLimit the delivery limit or {@code null}
		 */
		public QueueSettings {
			Objects.requireNonNull(type, "type");
			if (deliveryLimit != null && (deliveryLimit < 1 || type != QueueType.QUORUM)) {
				throw new IllegalArgumentException("deliveryLimit must be at least 1 on a quorum queue but was "
						+ deliveryLimit + " on a " + type + " queue");
			}
		}

	}

	/**
	 * Settings of a {@link RabbitChannelBinder}.
	 *
	 * @param queues how channels' queues are declared, unless {@code channelQueues} names the channel
	 * @param channelQueues how the queues of particular channels are declared, by channel name
	 * @param publishAttempts publish attempts per message, including the first, within its deadline
	 * @param publishBackoff delay before the second publish attempt, doubling for each further one
	 * @param maxPending the most publishes pending at once; more fail at once as not published
	 */
	public record Settings(QueueSettings queues, Map<String, QueueSettings> channelQueues, int publishAttempts,
			Duration publishBackoff, int maxPending) {

		/**
		 * Checks the values.
		 * @param queues the default queue settings
		 * @param channelQueues queue settings by channel
		 * @param publishAttempts the publish attempts
		 * @param publishBackoff the first publish backoff
		 * @param maxPending the bound on pending publishes
		 */
		public Settings {
			Objects.requireNonNull(queues, "queues");
			channelQueues = Map.copyOf(channelQueues);
			if (publishAttempts < 1) {
				throw new IllegalArgumentException("publishAttempts must be at least 1 but was " + publishAttempts);
			}
			if (publishBackoff.isNegative()) {
				throw new IllegalArgumentException("publishBackoff must not be negative but was " + publishBackoff);
			}
			if (maxPending < 1) {
				throw new IllegalArgumentException("maxPending must be at least 1 but was " + maxPending);
			}
		}

		/**
		 * How a channel's queues are declared.
		 * @param channel the channel name
		 * @return its queue settings
		 */
		public QueueSettings queue(String channel) {
			return this.channelQueues.getOrDefault(channel, this.queues);
		}

		/**
		 * Classic queues, 5 publish attempts 200 ms apart and doubling, 10,000 pending publishes.
		 * @return the default settings
		 */
		public static Settings ofDefaults() {
			return new Settings(new QueueSettings(QueueType.CLASSIC, null), Map.of(), 5, Duration.ofMillis(200),
					10_000);
		}

	}

}
