package dev.switchboard.autoconfigure.channel.rabbit;

import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The publications in flight on one publishing channel, by publish sequence number, and what the broker answered
 * for each: an ack ({@code multiple} ones included), a nack, a return (matched by the AMQP {@code message-id},
 * which Switchboard always sets; RabbitMQ sends {@code basic.return} before the {@code basic.ack} of the same
 * message on the channel), or the channel's end.
 * <p>
 * RabbitMQ's client leaves this bookkeeping to its user, and Spring AMQP's ({@code PublisherCallbackChannel})
 * comes with its send path, which writes Spring's internal headers into every message and costs a quarter of the
 * throughput: that is why it is written here.
 * <p>
 * Each publication is settled exactly once, by whoever removes it from the map. A publication the client has not
 * finished writing belongs to the publishing thread: the channel's end leaves it to that thread, which knows
 * whether the client wrote it.
 *
 * @author Switchboard
 */
final class RabbitConfirms implements ConfirmListener, ReturnListener, ShutdownListener {

	private static final Log logger = LogFactory.getLog(RabbitConfirms.class);

	private final ConcurrentNavigableMap<Long, RabbitPublication> unconfirmed = new ConcurrentSkipListMap<>();

	private final Outcomes outcomes;

	private volatile @Nullable ShutdownSignalException shutdown;

	RabbitConfirms(Outcomes outcomes) {
		this.outcomes = outcomes;
	}

	/** The publishing thread is about to write a publication with this sequence number. */
	void writing(long seqNo, RabbitPublication publication) {
		publication.attemptStarted();
		this.unconfirmed.put(seqNo, publication);
	}

	/**
	 * The client threw while writing: the publishing thread settles the publication.
	 * @return {@code false} when the publication was settled already
	 */
	boolean withdraw(long seqNo, RabbitPublication publication) {
		return this.unconfirmed.remove(seqNo, publication);
	}

	/** The client wrote the publication; if the channel ended meanwhile, its shutdown left it to this thread. */
	void written(long seqNo, RabbitPublication publication) {
		publication.handedOver();
		ShutdownSignalException cause = this.shutdown;
		if (cause != null && this.unconfirmed.remove(seqNo, publication)) {
			this.outcomes.lost(publication, cause);
		}
	}

	/**
	 * Whether the channel ended: nothing more may be written on it.
	 * @return whether it shut down
	 */
	boolean isShutdown() {
		return this.shutdown != null;
	}

	@Override
	public void handleAck(long seqNo, boolean multiple) {
		settle(seqNo, multiple, true);
	}

	@Override
	public void handleNack(long seqNo, boolean multiple) {
		settle(seqNo, multiple, false);
	}

	private void settle(long seqNo, boolean multiple, boolean ack) {
		Map<Long, RabbitPublication> settled = multiple ? this.unconfirmed.headMap(seqNo, true)
				: this.unconfirmed.subMap(seqNo, true, seqNo, true);
		for (Map.Entry<Long, RabbitPublication> entry : settled.entrySet()) {
			RabbitPublication publication = entry.getValue();
			if (this.unconfirmed.remove(entry.getKey(), publication)) {
				if (ack) {
					this.outcomes.acked(publication);
				}
				else {
					this.outcomes.nacked(publication);
				}
			}
		}
	}

	@Override
	public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
			AMQP.BasicProperties properties, byte[] body) {
		String messageId = properties.getMessageId();
		// Returns are rare: a scan of the publications in flight beats a second index on every publish.
		for (RabbitPublication publication : this.unconfirmed.values()) {
			if (publication.messageId().equals(messageId) && publication.returned() == null) {
				publication.returned(replyCode + " " + replyText);
				return;
			}
		}
		logger.warn("RabbitMQ returned a message that is not in flight: " + messageId + " to exchange '" + exchange
				+ "' (" + replyCode + " " + replyText + ")");
	}

	@Override
	public void shutdownCompleted(ShutdownSignalException cause) {
		this.shutdown = cause;
		for (Map.Entry<Long, RabbitPublication> entry : this.unconfirmed.entrySet()) {
			RabbitPublication publication = entry.getValue();
			// One still being written is the publishing thread's (written / withdraw).
			if (publication.isHandedOver() && this.unconfirmed.remove(entry.getKey(), publication)) {
				this.outcomes.lost(publication, cause);
			}
		}
	}

	/** What the broker answered for a publication, called once per attempt, on the connection's thread. */
	interface Outcomes {

		/** Acknowledged: confirmed, unless it was returned first. */
		void acked(RabbitPublication publication);

		/** Negatively acknowledged. */
		void nacked(RabbitPublication publication);

		/** Written, then the channel ended before the broker answered. */
		void lost(RabbitPublication publication, ShutdownSignalException cause);

	}

}
