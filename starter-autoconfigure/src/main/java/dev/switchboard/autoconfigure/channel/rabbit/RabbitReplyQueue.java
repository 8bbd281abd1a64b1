package dev.switchboard.autoconfigure.channel.rabbit;

import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Base64UrlNamingStrategy;
import org.springframework.amqp.core.MessageListener;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

/**
 * The reply queue of a {@link RabbitChannelBinder}: one per binder, named {@value #PREFIX} and a random suffix,
 * exclusive and auto-delete, declared on the first request and consumed by one listener container made by the
 * binder's container factory.
 * <p>
 * An exclusive queue dies with the connection that declared it. Its own {@link RabbitAdmin} declares it again,
 * under the same name, each time the connection factory opens a new connection (before the container consumes
 * again), so the address that requests carry stays valid across reconnections.
 *
 * @author Switchboard
 */
final class RabbitReplyQueue implements AutoCloseable {

	/** The start of the reply queue's name. */
	static final String PREFIX = "switchboard.replies.";

	private final ConnectionFactory connectionFactory;

	private final SimpleRabbitListenerContainerFactory containerFactory;

	private final MessageListener listener;

	// Named as Spring AMQP names an AnonymousQueue, without the x-queue-leader-locator argument an AnonymousQueue
	// adds: RabbitMQ 3.10 refuses it on a classic queue (PRECONDITION_FAILED).
	private final Queue queue = new Queue(new Base64UrlNamingStrategy(PREFIX).generateName(), false, true, true);

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
		container.setMessageListener(this.listener);
		container.setBeanName("switchboard-rabbit-" + this.queue.getName());
		container.afterPropertiesSet();
		this.container = container;
		container.start();
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
