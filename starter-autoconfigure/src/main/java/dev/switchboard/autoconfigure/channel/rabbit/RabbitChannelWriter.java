package dev.switchboard.autoconfigure.channel.rabbit;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import dev.switchboard.core.channel.publish.PendingPublish;
import dev.switchboard.core.channel.support.ListenerInvoker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The publishing thread's work: takes queued publications and writes them on one channel of the publisher
 * connection, with confirms, for as long as the channel works; opens another, with backoff, when it breaks.
 * RabbitMQ keeps the order of messages per channel only, and one channel keeps many confirms in flight. When the
 * publisher closes, what is still queued fails as not published.
 *
 * @author Switchboard
 */
final class RabbitChannelWriter {

	private static final Log logger = LogFactory.getLog(RabbitChannelWriter.class);

	private static final int BATCH = 256;

	private final ConnectionFactory connectionFactory;

	private final RabbitTopology topology;

	private final RabbitAttempts attempts;

	private final BackOff backOff;

	private final BlockingQueue<RabbitPublication> queue;

	private final BooleanSupplier closed;

	// Taken from the queue, not yet written on a channel.
	private final ArrayDeque<RabbitPublication> backlog = new ArrayDeque<>();

	private @Nullable BackOffExecution reconnect;

	RabbitChannelWriter(ConnectionFactory connectionFactory, RabbitTopology topology, RabbitAttempts attempts,
			BackOff backOff, BlockingQueue<RabbitPublication> queue, BooleanSupplier closed) {
		this.connectionFactory = connectionFactory;
		this.topology = topology;
		this.attempts = attempts;
		this.backOff = backOff;
		this.queue = queue;
		this.closed = closed;
	}

	/** Runs on the publishing thread until the publisher closes or the thread is interrupted. */
	void run() {
		while (!this.closed.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
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
			if (this.closed.getAsBoolean() || !pause(nextReconnectBackOff())) {
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
		while (!this.closed.getAsBoolean()) {
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

}
