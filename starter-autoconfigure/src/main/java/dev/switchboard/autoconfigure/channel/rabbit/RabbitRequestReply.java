package dev.switchboard.autoconfigure.channel.rabbit;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ChannelPublishException;
import dev.switchboard.core.channel.DeadLetterHeaders;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.ReplyTimeoutException;
import dev.switchboard.core.channel.publish.PublishWindow;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Request-reply on RabbitMQ. A request is published like a send ({@link RabbitPublisher}: mandatory, confirmed,
 * retried within its deadline) with {@code reply_to} naming the binder's {@link RabbitReplyQueue} and a fresh
 * {@code correlation_id}, the AMQP properties any responder knows, and without Spring AMQP's internal headers.
 * Its reply is matched by correlation id to the requests in flight; a reply nobody waits for any more is dropped.
 * A reply is published with confirms to the requester's {@code reply_to}, be it a Switchboard reply queue or
 * RabbitMQ's direct reply-to.
 *
 * @author Switchboard
 */
final class RabbitRequestReply implements AutoCloseable {

	/** How long a reply may take to be confirmed. */
	static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(RabbitRequestReply.class);

	private final RabbitPublisher publisher;

	private final PublishWindow window;

	private final RabbitReplyQueue replyQueue;

	// Requests in flight by correlation id: each entry goes when its request completes, however it completes.
	private final Map<String, Pending> pending = new ConcurrentHashMap<>();

	private volatile boolean closed;

	RabbitRequestReply(ConnectionFactory connectionFactory, SimpleRabbitListenerContainerFactory containerFactory,
			RabbitPublisher publisher, PublishWindow window) {
		this.publisher = publisher;
		this.window = window;
		this.replyQueue = new RabbitReplyQueue(connectionFactory, containerFactory, this::onReply);
	}

	CompletableFuture<Message> request(ChannelDestination destination, Message request, Duration timeout) {
		CompletableFuture<Message> reply = new CompletableFuture<>();
		String replyTo;
		try {
			replyTo = this.replyQueue.address();
		}
		catch (AmqpException | IllegalStateException ex) {
			reply.completeExceptionally(new ChannelPublishException(
					"RabbitMQ did not accept request " + request + " for " + destination, request.getId(), ex));
			return reply;
		}
		String correlationId = UUID.randomUUID().toString();
		this.pending.put(correlationId, new Pending(destination, request, reply));
		reply.whenComplete((answer, failure) -> this.pending.remove(correlationId));
		// After the entry: close() fails it, or this sees closed.
		if (this.closed || !this.window.schedule(
				() -> reply.completeExceptionally(new ReplyTimeoutException(destination, timeout)), timeout)) {
			reply.completeExceptionally(closed(request, destination));
			return reply;
		}
		org.springframework.amqp.core.Message amqp = RabbitMessageMapper.toAmqp(request);
		amqp.getMessageProperties().setReplyTo(replyTo);
		amqp.getMessageProperties().setCorrelationId(correlationId);
		// A return or a nack fails the request at once: the requester learns it before its timeout.
		this.publisher
			.publish(destination, request, amqp, destination.name(), RabbitMessageMapper.routingKey(request.getKey()),
					RabbitPublication.Kind.REQUEST, timeout)
			.whenComplete((ignored, failure) -> {
				if (failure != null) {
					// Not published, returned as unroutable, or not confirmed: no reply will come.
					reply.completeExceptionally((failure instanceof CompletionException ex && ex.getCause() != null)
							? ex.getCause() : failure);
				}
			});
		return reply;
	}

	private void onReply(org.springframework.amqp.core.Message amqp) {
		String correlationId = amqp.getMessageProperties().getCorrelationId();
		Pending request = (correlationId != null) ? this.pending.remove(correlationId) : null;
		if (request == null || !request.reply().complete(RabbitMessageMapper.toMessage(amqp))) {
			// Its request timed out or failed already (or a stray message): nobody waits for it.
			if (logger.isDebugEnabled()) {
				logger.debug("Dropped reply " + amqp.getMessageProperties().getMessageId() + " with correlation id "
						+ correlationId + ": no request is waiting for it");
			}
		}
	}

	/**
	 * Sends a handler's reply to the requester, if the message was a request. The reply is not mandatory (see
	 * {@link RabbitChannelBinder}): a requester that is gone is not noticed, and its reply is dropped by the broker.
	 * @param context the delivery that was answered
	 * @param properties the request's AMQP properties
	 * @param reply the reply
	 */
	void reply(MessageContext context, MessageProperties properties, Message reply) {
		String replyTo = properties.getReplyTo();
		// A dead letter keeps no reply address, but a foreign copy might: nobody answers from the DLQ.
		if (replyTo == null || context.getMessage().getHeader(DeadLetterHeaders.EXCEPTION_CLASS) != null) {
			return;
		}
		org.springframework.amqp.core.Message answer = RabbitMessageMapper.toAmqp(reply);
		answer.getMessageProperties().setCorrelationId(properties.getCorrelationId());
		ChannelDestination replyAddress = new ChannelDestination(context.getDestination().channel(), replyTo);
		this.publisher.publish(replyAddress, reply, answer, "", replyTo, RabbitPublication.Kind.REPLY, REPLY_TIMEOUT)
			.whenComplete((ignored, failure) -> {
				if (failure != null) {
					logger.warn("Reply " + reply + " to " + context + " was not delivered: " + failure.getMessage());
				}
			});
	}

	private static ChannelPublishException closed(Message request, ChannelDestination destination) {
		return new ChannelPublishException("RabbitMQ did not accept request " + request + " for " + destination
				+ ": the binder is closed", request.getId(), null);
	}

	/** Stops taking replies and fails the requests still waiting for one. */
	@Override
	public void close() {
		this.closed = true;
		this.replyQueue.close();
		for (Pending request : this.pending.values()) {
			request.reply()
				.completeExceptionally(new ChannelPublishException("No reply to request " + request.request()
						+ " for " + request.destination() + ": the binder closed", request.request().getId(), null));
		}
	}

	@Override
	public String toString() {
		return "RabbitRequestReply[" + this.replyQueue + ", waiting=" + this.pending.size() + "]";
	}

	private record Pending(ChannelDestination destination, Message request, CompletableFuture<Message> reply) {
	}

}
