package dev.switchboard.autoconfigure.channel.rabbit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.publish.PendingPublish;
import dev.switchboard.core.channel.publish.PublishWindow;
import dev.switchboard.core.channel.support.ListenerInvoker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

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

	private static final Log logger = LogFactory.getLog(RabbitPublisher.class);

	private static final int BATCH = 256;

	private final ConnectionFactory connectionFactory;

	private final RabbitWireFormat wireFormat;

	private final RabbitTopology topology;

	private final PublishWindow window;

	private final BackOff backOff;

	private final RabbitAttempts attempts;

	private final BlockingQueue<RabbitPublication> queue;

	private final Object lock = new Object();

	private volatile @Nullable Thread thread;

	// Only the publisher thread uses them: taken from the queue, not yet written on a channel.
	private final ArrayDeque<RabbitPublication> backlog = new ArrayDeque<>();

	private @Nullable BackOffExecution reconnect;

	private volatile boolean closed;

	RabbitPublisher(RabbitTemplate template, RabbitTopology topology, PublishWindow window, int maxAttempts,
			BackOff backOff) {
		ConnectionFactory connectionFactory = template.getConnectionFactory();
		ConnectionFactory publisherConnections = connectionFactory.getPublisherConnectionFactory();
		this.connectionFactory = (template.isUsePublisherConnection() && publisherConnections != null)
				? publisherConnections : connectionFactory;
		this.wireFormat = new RabbitWireFormat(template);
		this.topology = topology;
		this.window = window;
		this.attempts = new RabbitAttempts(topology, window, maxAttempts, backOff, this::enqueue);
		this.backOff = backOff;
		// Never fuller than the window: every queued publication holds a place in it.
		this.queue = new LinkedBlockingQueue<>(window.maxPending());
	}

	/**
	 * Publishes a message; never blocks.
	 * @param destination the destination, whose name is the exchange
	 * @param message the message
	 * @param timeout the time to the publish's deadline
	 * @return the outcome, completed by the deadline
	 */
	CompletableFuture<Void> publish(ChannelDestination destination, Message message, Duration timeout) {
		return publish(destination, message, RabbitMessageMapper.toAmqp(message), destination.name(),
				RabbitMessageMapper.routingKey(message.getKey()), true, true, timeout);
	}

	/**
	 * Publishes an AMQP message to an exchange with a routing key; never blocks.
	 * @param destination the destination, for messages and the outcome
	 * @param message the message
	 * @param amqp the message as sent, before the template's post processors
	 * @param exchange the exchange, {@code ""} for the default exchange
	 * @param routingKey the routing key
	 * @param mandatory whether the broker must return it when no queue takes it (a return fails the attempt)
	 * @param retryRefusals whether a return or a nack is retried like any failed attempt, or fails the publish
	 * @param timeout the time to the publish's deadline
	 * @return the outcome, completed by the deadline
	 */
	CompletableFuture<Void> publish(ChannelDestination destination, Message message,
			org.springframework.amqp.core.Message amqp, String exchange, String routingKey, boolean mandatory,
			boolean retryRefusals, Duration timeout) {
		PendingPublish pending = this.window.open(destination, message, timeout);
		if (pending.isDone()) {
			return pending.future();
		}
		RabbitPublication publication;
		try {
			publication = this.wireFormat.prepare(pending, amqp, exchange, routingKey, mandatory, retryRefusals);
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
				Thread publisher = new Thread(this::run, "switchboard-rabbit-publisher");
				publisher.setDaemon(true);
				publisher.start();
				this.thread = publisher;
			}
		}
	}

	private void run() {
		while (!this.closed && !Thread.currentThread().isInterrupted()) {
			Channel channel = null;
			try {
				RabbitConfirms confirms = new RabbitConfirms(this.attempts);
				channel = this.connectionFactory.createConnection().getDelegate().createChannel();
				if (channel == null) {
					throw new IOException("no channel available on the publisher connection (channel-max)");
				}
				channel.addShutdownListener(confirms);
				channel.addConfirmListener(confirms);
				channel.addReturnListener(confirms);
				channel.confirmSelect();
				// A channel is open: the next failure starts its backoff afresh.
				this.reconnect = null;
				publishOn(channel, confirms);
			}
			catch (IOException | RuntimeException ex) {
				if (logger.isDebugEnabled()) {
					logger.debug("Publishing channel failed, opening another: " + ex);
				}
			}
			finally {
				if (channel != null) {
					abort(channel);
				}
			}
			if (this.closed || !pause(nextReconnectBackOff())) {
				break;
			}
		}
		RabbitPublication left;
		while ((left = this.backlog.poll()) != null || (left = this.queue.poll()) != null) {
			left.pending().rejected("the binder was closed", null);
			left.pending().release();
		}
	}

	/** Fails what is still in flight on the channel (RabbitConfirms#shutdownCompleted). */
	private static void abort(Channel channel) {
		try {
			channel.abort();
		}
		catch (IOException | RuntimeException ex) {
			// closed already
		}
	}

	/** Publishes until the channel breaks or the publisher closes. */
	private void publishOn(Channel channel, RabbitConfirms confirms) {
		while (!this.closed) {
			RabbitPublication next = this.backlog.poll();
			if (next == null) {
				try {
					next = this.queue.poll(100, TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				if (next == null) {
					continue;
				}
				// One hand-over between threads for many messages.
				this.queue.drainTo(this.backlog, BATCH);
			}
			if (confirms.isShutdown()) {
				// Not started: the next channel writes it.
				this.backlog.addFirst(next);
				return;
			}
			if (!send(channel, confirms, next)) {
				return;
			}
		}
	}

	/** Writes one attempt; {@code false} when the channel broke. */
	private boolean send(Channel channel, RabbitConfirms confirms, RabbitPublication publication) {
		PendingPublish pending = publication.pending();
		if (!pending.startAttempt()) {
			// Withdrawn: its deadline passed while it waited. It must never be sent.
			pending.release();
			return true;
		}
		String exchange = publication.exchange();
		try {
			this.topology.declareExchange(exchange);
		}
		catch (RuntimeException ex) {
			this.attempts.retryOrReject(publication, pending.notHandedOver(ex), ex);
			return true;
		}
		long seqNo = channel.getNextPublishSeqNo();
		confirms.writing(seqNo, publication);
		// The broker's answer waits until the attempt is marked handed over (RabbitAttempts).
		synchronized (publication) {
			try {
				channel.basicPublish(exchange, publication.routingKey(), publication.mandatory(),
						publication.properties(), publication.body());
			}
			catch (IOException | RuntimeException ex) {
				if (confirms.withdraw(seqNo, publication)) {
					// The exchange may have been lost with the connection (a broker reset): declare it again.
					this.topology.forget(exchange);
					boolean retry = neverWritten(ex) ? pending.notHandedOver(ex) : pending.attemptFailed(ex);
					this.attempts.retryOrReject(publication, retry, ex);
				}
				return false;
			}
			pending.handedOver();
		}
		confirms.written(seqNo, publication);
		return true;
	}

	/** The client refused before writing anything: the channel or connection was already closed. */
	private static boolean neverWritten(Exception ex) {
		return ListenerInvoker.causedBy(ex, AlreadyClosedException.class) || ex instanceof AmqpConnectException;
	}

	private long nextReconnectBackOff() {
		BackOffExecution reconnect = this.reconnect;
		if (reconnect == null) {
			reconnect = this.backOff.start();
			this.reconnect = reconnect;
		}
		return reconnect.nextBackOff();
	}

	private static boolean pause(long millis) {
		if (millis == BackOffExecution.STOP) {
			millis = 1000;
		}
		try {
			Thread.sleep(millis);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
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
