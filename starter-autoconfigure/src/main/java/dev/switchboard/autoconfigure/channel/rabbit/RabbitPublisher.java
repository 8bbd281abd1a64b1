package dev.switchboard.autoconfigure.channel.rabbit;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.publish.PendingPublish;
import dev.switchboard.core.channel.publish.PublishWindow;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.util.backoff.BackOff;

/**
 * Publishes with publisher confirms and mandatory returns, each message within its deadline
 * ({@link PublishWindow}): a message is confirmed, or not published (withdrawn before it was written, and then
 * never written), or of unknown outcome (written, not confirmed in time).
 * <p>
 * Everything is published on one channel of the template's (publisher) connection, held by one thread for as
 * long as the channel works: RabbitMQ keeps the order of messages per channel only, and one channel keeps many
 * confirms in flight. A broken channel is replaced, with backoff. A nack, a return or a connection lost is
 * retried with backoff while the deadline allows, up to the configured attempts. Neither RabbitMQ's client nor
 * Spring AMQP retries a publish, and neither bounds the wait for a confirm: that is why this class exists.
 * <p>
 * The message is prepared as the template would ({@link RabbitWireFormat}), but written with the plain client's
 * {@code basicPublish} and confirmed by {@link RabbitConfirms}, not through {@link RabbitTemplate#send}: the
 * template's send path adds Spring's internal headers to every message and costs a quarter of the throughput.
 *
 * @author Switchboard
 */
final class RabbitPublisher implements AutoCloseable {

	private final RabbitWireFormat wireFormat;

	private final PublishWindow window;

	private final RabbitAttempts attempts;

	private final BlockingQueue<RabbitPublication> queue;

	private final RabbitChannelWriter writer;

	private final Object lock = new Object();

	private volatile @Nullable Thread thread;

	private volatile boolean closed;

	RabbitPublisher(RabbitTemplate template, RabbitTopology topology, PublishWindow window, int maxAttempts,
			BackOff backOff) {
		ConnectionFactory connectionFactory = template.getConnectionFactory();
		ConnectionFactory publisherConnections = connectionFactory.getPublisherConnectionFactory();
		this.wireFormat = new RabbitWireFormat(template);
		this.window = window;
		this.attempts = new RabbitAttempts(topology, window, maxAttempts, backOff, this::enqueue);
		// Never fuller than the window: every queued publication holds a place in it.
		this.queue = new LinkedBlockingQueue<>(window.maxPending());
		this.writer = new RabbitChannelWriter((template.isUsePublisherConnection() && publisherConnections != null)
				? publisherConnections : connectionFactory, topology, this.attempts, backOff, this.queue,
				() -> this.closed);
	}

	/**
	 * Publishes a message; never blocks.
	 * @param destination the destination, whose name is the exchange
	 * @param message the message
	 * @param timeout the time to the publish's deadline
	 * @return the outcome, completed by the deadline
	 */
	CompletableFuture<Void> publish(ChannelDestination destination, Message message, Duration timeout) {
		String exchange = destination.name();
		String routingKey = RabbitMessageMapper.routingKey(message.getKey());
		return publish(destination, message, timeout,
				(pending) -> this.wireFormat.prepare(pending, message, exchange, routingKey, RabbitPublication.Kind.MESSAGE));
	}

	/**
	 * Publishes an AMQP message to an exchange with a routing key; never blocks.
	 * @param destination the destination, for messages and the outcome
	 * @param message the message
	 * @param amqp the message as sent, before the template's post processors
	 * @param exchange the exchange, {@code ""} for the default exchange
	 * @param routingKey the routing key
	 * @param kind what it is: whether it is mandatory, whether a return or a nack is retried
	 * @param timeout the time to the publish's deadline
	 * @return the outcome, completed by the deadline
	 */
	CompletableFuture<Void> publish(ChannelDestination destination, Message message,
			org.springframework.amqp.core.Message amqp, String exchange, String routingKey, RabbitPublication.Kind kind,
			Duration timeout) {
		return publish(destination, message, timeout,
				(pending) -> this.wireFormat.prepare(pending, amqp, exchange, routingKey, kind));
	}

	private CompletableFuture<Void> publish(ChannelDestination destination, Message message, Duration timeout,
			Function<PendingPublish, RabbitPublication> preparation) {
		PendingPublish pending = this.window.open(destination, message, timeout);
		if (pending.isDone()) {
			return pending.future();
		}
		RabbitPublication publication;
		try {
			publication = preparation.apply(pending);
		}
		catch (RuntimeException ex) {
			pending.rejected("a post processor or the properties converter failed", ex);
			pending.release();
			return pending.future();
		}
		enqueue(publication);
		return pending.future();
	}

	private void enqueue(RabbitPublication publication) {
		if (this.closed || !this.queue.offer(publication)) {
			publication.pending().rejected("the binder is closed", null);
			publication.pending().release();
			return;
		}
		startThread();
	}

	private void startThread() {
		if (this.thread != null) {
			return;
		}
		synchronized (this.lock) {
			if (this.thread == null && !this.closed) {
				Thread publisher = new Thread(this.writer::run, "switchboard-rabbit-publisher");
				publisher.setDaemon(true);
				publisher.start();
				this.thread = publisher;
			}
		}
	}

	@Override
	public void close() {
		this.closed = true;
		this.attempts.close();
		Thread publisher;
		synchronized (this.lock) {
			publisher = this.thread;
		}
		if (publisher != null) {
			publisher.interrupt();
			try {
				publisher.join(2000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
