package dev.switchboard.autoconfigure.channel.rabbit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Base64UrlNamingStrategy;
import org.springframework.amqp.core.MessageListener;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.listener.MissingQueueEvent;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

/**
 * The reply queue of a {@link RabbitChannelBinder}: one per binder, named {@value #PREFIX} and a random suffix,
 * exclusive and auto-delete, declared on the first request and consumed by one listener container made by the
 * binder's container factory.
 * <p>
 * An exclusive queue dies with the connection that declared it. Its own {@link RabbitAdmin} declares it again,
 * under the same name, each time the connection factory opens a new connection (before the container consumes
 * again), so the address that requests carry stays valid across reconnections. Where the admin does not (cache
 * mode {@code CONNECTION}, whose queue is not exclusive, or a queue deleted under a live connection), the
 * container's report of a missing queue declares it.
 *
 * @author Switchboard
 */
final class RabbitReplyQueue implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RabbitReplyQueue.class);

	/** The start of the reply queue's name. */
	static final String PREFIX = "switchboard.replies.";

	private final ConnectionFactory connectionFactory;

	private final SimpleRabbitListenerContainerFactory containerFactory;

	private final MessageListener listener;

	private final Queue queue;

	private final Object lock = new Object();

	private @Nullable RabbitAdmin admin;

	private @Nullable SimpleMessageListenerContainer container;

	private boolean closed;

	/**
	 * Creates the reply queue; nothing is declared before {@link #address()}.
	 * @param connectionFactory the binder's connection factory
	 * @param containerFactory makes the container (executor, observation, the application's customizer)
	 * @param listener receives each reply
	 */
	RabbitReplyQueue(ConnectionFactory connectionFactory, SimpleRabbitListenerContainerFactory containerFactory,
			MessageListener listener) {
		this.connectionFactory = connectionFactory;
		this.containerFactory = containerFactory;
		this.listener = listener;
		// Exclusive only when the admin and the container share one connection (Boot's default cache mode,
		// CHANNEL): with a connection per user (CONNECTION), the container could not consume a queue exclusive to
		// the admin's connection. Auto-delete either way: it goes with its consumer.
		boolean sharedConnection = !(connectionFactory instanceof CachingConnectionFactory caching)
				|| caching.getCacheMode() == CachingConnectionFactory.CacheMode.CHANNEL;
		// Named as Spring AMQP names an AnonymousQueue, without the x-queue-leader-locator argument an
		// AnonymousQueue adds: RabbitMQ 3.10 refuses it on a classic queue (PRECONDITION_FAILED).
		this.queue = new Queue(new Base64UrlNamingStrategy(PREFIX).generateName(), false, sharedConnection, true);
	}

	/**
	 * The queue's name, which requests carry as {@code reply_to}; declares the queue and starts consuming it on
	 * the first call.
	 * @return the queue's name
	 * @throws org.springframework.amqp.AmqpException if the queue cannot be declared
	 * @throws IllegalStateException if the binder is closed
	 */
	String address() {
		synchronized (this.lock) {
			if (this.closed) {
				throw new IllegalStateException("The RabbitMQ channel binder is closed");
			}
			if (this.container == null) {
				start();
			}
			return this.queue.getName();
		}
	}

	private void start() {
		RabbitAdmin admin = this.admin;
		if (admin == null) {
			admin = new RabbitAdmin(this.connectionFactory);
			// Remembers the queue and declares it on every new connection: the broker deletes an exclusive queue
			// with its connection, and requests in flight and later ones still name it.
			admin.setRedeclareManualDeclarations(true);
			admin.afterPropertiesSet();
			this.admin = admin;
		}
		// Throws when the broker cannot be reached: the next request tries again.
		admin.declareQueue(this.queue);
		SimpleMessageListenerContainer container = this.containerFactory.createListenerContainer();
		container.setQueueNames(this.queue.getName());
		container.setAmqpAdmin(admin);
		container.setConcurrentConsumers(1);
		container.setMaxConcurrentConsumers(1);
		container.setConsumerBatchEnabled(false);
		// A reply is taken as it arrives: nobody else could answer its request, a requeue would not help.
		container.setAcknowledgeMode(AcknowledgeMode.NONE);
		// No retries of the application's listener configuration: a reply is matched, never handled twice.
		container.setAdviceChain();
		// Missing for a moment after a broker restart, until the admin declared it again.
		container.setMissingQueuesFatal(false);
		container.setRecoveryInterval(1000);
		container.setFailedDeclarationRetryInterval(1000);
		// The consumer found the queue gone (a broker restart, or a deletion) where the admin does not declare it
		// by itself (cache mode CONNECTION, or the queue deleted under a live connection): declare it, and the
		// consumer's next try, a second later, consumes it.
		RabbitAdmin declarer = admin;
		container.setApplicationEventPublisher((event) -> {
			if (event instanceof MissingQueueEvent && !isClosed()) {
				declareQuietly(declarer);
			}
		});
		container.setMessageListener(this.listener);
		container.setBeanName("switchboard-rabbit-" + this.queue.getName());
		container.afterPropertiesSet();
		this.container = container;
		container.start();
	}

	private boolean isClosed() {
		synchronized (this.lock) {
			return this.closed;
		}
	}

	private void declareQuietly(RabbitAdmin admin) {
		try {
			admin.declareQueue(this.queue);
		}
		catch (AmqpException ex) {
			// The broker is still away: the consumer tries again and reports it missing again.
			if (logger.isDebugEnabled()) {
				logger.debug("Could not declare reply queue " + this.queue.getName() + ": " + ex);
			}
		}
	}

	@Override
	public void close() {
		synchronized (this.lock) {
			this.closed = true;
			if (this.admin != null) {
				// No declaration on a connection that opens while the binder closes.
				this.admin.resetAllManualDeclarations();
			}
			if (this.container != null) {
				// The broker deletes the queue once its consumer is gone (auto-delete), or with the connection.
				this.container.stop();
				this.container.destroy();
			}
		}
	}

	@Override
	public String toString() {
		return "RabbitReplyQueue[" + this.queue.getName() + "]";
	}

}
