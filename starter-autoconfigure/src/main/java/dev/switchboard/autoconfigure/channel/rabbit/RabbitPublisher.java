package dev.switchboard.autoconfigure.channel.rabbit;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.AlreadyClosedException;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.publish.PendingPublish;
import dev.switchboard.core.channel.publish.PublishWindow;
import dev.switchboard.core.channel.support.ListenerInvoker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitOperations;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Publishes with correlated publisher confirms and mandatory returns, each message within its deadline
 * ({@link PublishWindow}): a message is confirmed, or not published (withdrawn before it was written, and then
 * never written), or of unknown outcome (written, not confirmed in time).
 * <p>
 * Everything is published on one channel held by one thread for as long as the channel works. RabbitMQ keeps
 * the order of messages per channel only, and Spring AMQP does not return a channel with unconfirmed messages
 * to its cache, so a channel per publish would either reorder messages or wait for every confirm in turn; a
 * dedicated channel keeps the order and many confirms in flight. A broken channel is replaced. A nack, a return
 * or a connection lost is retried with backoff while the deadline allows, up to the configured attempts.
 * Neither RabbitMQ's client nor Spring AMQP retries a publish, and neither bounds the wait for a confirm: that is
 * why this class exists.
 *
 * @author Switchboard
 */
final class RabbitPublisher implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RabbitPublisher.class);

	private final RabbitTemplate template;

	private final RabbitTopology topology;

	private final PublishWindow window;

	private final int maxAttempts;

	private final BackOff backOff;

	private final BlockingQueue<Publication> queue;

	private final Object lock = new Object();

	private volatile @Nullable Thread thread;

	// Only the publisher thread uses it.
	private @Nullable BackOffExecution reconnect;

	private volatile boolean closed;

	RabbitPublisher(RabbitTemplate template, RabbitTopology topology, PublishWindow window, int maxAttempts,
			BackOff backOff) {
		this.template = template;
		this.topology = topology;
		this.window = window;
		this.maxAttempts = maxAttempts;
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
				RabbitMessageMapper.routingKey(message.getKey()), timeout);
	}

	/**
	 * Publishes an AMQP message to an exchange with a routing key; never blocks.
	 * @param destination the destination, for messages and the outcome
	 * @param message the message
	 * @param amqp the message as sent
	 * @param exchange the exchange, {@code ""} for the default exchange
	 * @param routingKey the routing key
	 * @param timeout the time to the publish's deadline
	 * @return the outcome, completed by the deadline
	 */
	CompletableFuture<Void> publish(ChannelDestination destination, Message message,
			org.springframework.amqp.core.Message amqp, String exchange, String routingKey, Duration timeout) {
		PendingPublish pending = this.window.open(destination, message, timeout);
		if (pending.isDone()) {
			return pending.future();
		}
		enqueue(new Publication(pending, exchange, routingKey, amqp));
		return pending.future();
	}

	private void enqueue(Publication publication) {
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
		while (!this.closed) {
			try {
				this.template.invoke((operations) -> {
					// A channel is open: the next failure starts its backoff afresh.
					this.reconnect = null;
					while (!this.closed) {
						Publication next;
						try {
							next = this.queue.poll(100, TimeUnit.MILLISECONDS);
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
				if (this.closed || Thread.currentThread().isInterrupted()) {
					break;
				}
				if (logger.isDebugEnabled()) {
					logger.debug("Publishing channel failed, opening another: " + ex);
				}
				BackOffExecution reconnect = this.reconnect;
				if (reconnect == null) {
					reconnect = this.backOff.start();
					this.reconnect = reconnect;
				}
				if (!pause(reconnect.nextBackOff())) {
					break;
				}
			}
		}
		Publication left;
		while ((left = this.queue.poll()) != null) {
			left.pending().rejected("the binder was closed", null);
			left.pending().release();
		}
	}

	private void send(RabbitOperations operations, Publication publication) {
		PendingPublish pending = publication.pending();
		if (!pending.startAttempt()) {
			// Withdrawn: its deadline passed while it waited. It must never be sent.
			pending.release();
			return;
		}
		String exchange = publication.exchange();
		org.springframework.amqp.core.Message amqp = publication.amqp();
		CorrelationData correlation = new CorrelationData(
				amqp.getMessageProperties().getMessageId() + "#" + pending.attempts());
		try {
			this.topology.declareExchange(exchange);
		}
		catch (RuntimeException ex) {
			retryOrReject(publication, pending.notHandedOver(ex), ex);
			throw ex;
		}
		try {
			operations.send(exchange, publication.routingKey(), amqp, correlation);
		}
		catch (RuntimeException ex) {
			// The exchange may have been lost with the connection (a broker reset): declare it again.
			this.topology.forget(exchange);
			boolean retry = neverWritten(ex) ? pending.notHandedOver(ex) : pending.attemptFailed(ex);
			retryOrReject(publication, retry, ex);
			// Drop the channel: the next publish gets a new one.
			throw ex;
		}
		pending.handedOver();
		correlation.getFuture().whenComplete((confirm, failure) -> {
			ReturnedMessage returned = correlation.getReturned();
			if (failure == null && confirm.ack() && returned == null) {
				pending.confirmed();
				pending.release();
			}
			else if (returned != null) {
				retryOrReject(publication, pending.refused(new IllegalStateException("unroutable: returned by the"
						+ " broker (" + returned.getReplyCode() + " " + returned.getReplyText()
						+ "); no queue is bound to exchange '" + exchange + "'")), null);
			}
			else {
				// A nack, or the channel closed with the confirm outstanding: the broker may have the message.
				Throwable cause = (failure != null) ? failure
						: new IllegalStateException("not confirmed: " + confirm.reason());
				retryOrReject(publication, pending.attemptFailed(cause), null);
			}
		});
	}

	/** The client refused before writing anything: the channel or connection was already closed. */
	private static boolean neverWritten(RuntimeException ex) {
		return ListenerInvoker.causedBy(ex, AlreadyClosedException.class) || ex instanceof AmqpConnectException;
	}

	private void retryOrReject(Publication publication, boolean mayRetry, @Nullable Throwable failure) {
		PendingPublish pending = publication.pending();
		if (this.closed) {
			pending.rejected("the binder was closed", failure);
			pending.release();
			return;
		}
		if (!mayRetry) {
			// The deadline passed: the window reports the outcome.
			pending.release();
			return;
		}
		if (pending.attempts() >= this.maxAttempts) {
			pending.rejected("not confirmed after " + pending.attempts() + " attempts", failure);
			pending.release();
			return;
		}
		long delay = publication.nextBackOff(this.backOff);
		if (delay == BackOffExecution.STOP) {
			pending.rejected("not confirmed after " + pending.attempts() + " attempts", failure);
			pending.release();
			return;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Publish attempt " + pending.attempts() + " of " + pending + " failed, retrying in " + delay
					+ " ms: " + failure);
		}
		// On the window's thread, never on the confirm callback thread that must not publish.
		if (!this.window.schedule(() -> enqueue(publication), Duration.ofMillis(delay))) {
			pending.rejected("the binder was closed", failure);
			pending.release();
		}
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

	/** One message on its way, with its retry backoff once it needs one. */
	private static final class Publication {

		private final PendingPublish pending;

		private final String exchange;

		private final String routingKey;

		private final org.springframework.amqp.core.Message amqp;

		private @Nullable BackOffExecution backOff;

		Publication(PendingPublish pending, String exchange, String routingKey,
				org.springframework.amqp.core.Message amqp) {
			this.pending = pending;
			this.exchange = exchange;
			this.routingKey = routingKey;
			this.amqp = amqp;
		}

		PendingPublish pending() {
			return this.pending;
		}

		String exchange() {
			return this.exchange;
		}

		String routingKey() {
			return this.routingKey;
		}

		org.springframework.amqp.core.Message amqp() {
			return this.amqp;
		}

		synchronized long nextBackOff(BackOff policy) {
			if (this.backOff == null) {
				this.backOff = policy.start();
			}
			return this.backOff.nextBackOff();
		}

	}

}
