package dev.switchboard.autoconfigure.channel.rabbit;

import com.rabbitmq.client.AMQP;
import dev.switchboard.core.channel.publish.PendingPublish;
import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * One message on its way, as written on the wire, with the state of its current attempt (at most one is in flight)
 * and its retry backoff once it needs one.
 *
 * @author Switchboard
 */
final class RabbitPublication {

	private final PendingPublish pending;

	private final String exchange;

	private final String routingKey;

	private final Kind kind;

	private final AMQP.BasicProperties properties;

	private final byte[] body;

	private final String messageId;

	// Set by the publishing thread once the client wrote the current attempt.
	private volatile boolean handedOver;

	// Set by the connection's thread when the broker returned the current attempt.
	private volatile @Nullable String returned;

	private @Nullable BackOffExecution backOff;

	RabbitPublication(PendingPublish pending, String exchange, String routingKey, Kind kind,
			AMQP.BasicProperties properties, byte[] body) {
		this.pending = pending;
		this.exchange = exchange;
		this.routingKey = routingKey;
		this.kind = kind;
		this.properties = properties;
		this.body = body;
		String messageId = properties.getMessageId();
		this.messageId = (messageId != null) ? messageId : "";
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

	boolean mandatory() {
		return this.kind.mandatory;
	}

	/** Whether a return or a nack is retried, or fails the publish at once. */
	boolean retryRefusals() {
		return this.kind.retryRefusals;
	}

	AMQP.BasicProperties properties() {
		return this.properties;
	}

	byte[] body() {
		return this.body;
	}

	String messageId() {
		return this.messageId;
	}

	void attemptStarted() {
		this.handedOver = false;
		this.returned = null;
	}

	void handedOver() {
		this.handedOver = true;
	}

	boolean isHandedOver() {
		return this.handedOver;
	}

	/** The broker's reply code and text when it returned the current attempt, else {@code null}. */
	@Nullable String returned() {
		return this.returned;
	}

	void returned(String reply) {
		this.returned = reply;
	}

	synchronized long nextBackOff(BackOff policy) {
		if (this.backOff == null) {
			this.backOff = policy.start();
		}
		return this.backOff.nextBackOff();
	}

	@Override
	public String toString() {
		return this.pending.toString();
	}

	/** What a publication is, which says how the broker must treat it and what a refusal does. */
	enum Kind {

		/** A channel's message or a dead letter: mandatory, a return or a nack is retried within the deadline. */
		MESSAGE(true, true),

		/** A request: mandatory, and a return or a nack fails it at once, as its requester waits for a reply. */
		REQUEST(true, false),

		/**
		 * A reply: not mandatory, since RabbitMQ returns a mandatory publish to a direct reply-to address as
		 * {@code NO_ROUTE} even when it delivers it; a nack is retried.
		 */
		REPLY(false, true);

		private final boolean mandatory;

		private final boolean retryRefusals;

		Kind(boolean mandatory, boolean retryRefusals) {
			this.mandatory = mandatory;
			this.retryRefusals = retryRefusals;
		}

	}

}
