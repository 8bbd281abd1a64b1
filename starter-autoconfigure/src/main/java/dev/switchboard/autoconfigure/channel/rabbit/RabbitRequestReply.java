package dev.switchboard.autoconfigure.channel.rabbit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ChannelPublishException;
import dev.switchboard.core.channel.DeadLetterHeaders;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.ReplyTimeoutException;
import dev.switchboard.core.channel.publish.PublishWindow;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.AsyncRabbitTemplate;
import org.springframework.amqp.rabbit.RabbitMessageFuture;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Request-reply over RabbitMQ's direct reply-to: requests through an {@link AsyncRabbitTemplate}, replies
 * published with confirms to the requester's reply address.
 *
 * @author Switchboard
 */
final class RabbitRequestReply implements AutoCloseable {

	/** How long a reply may take to be confirmed. */
	static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(RabbitRequestReply.class);

	private final ConnectionFactory connectionFactory;

	private final RabbitTopology topology;

	private final RabbitPublisher publisher;

	private final PublishWindow window;

	private final Object lock = new Object();

	private @Nullable AsyncRabbitTemplate requestTemplate;

	private boolean closed;

	RabbitRequestReply(ConnectionFactory connectionFactory, RabbitTopology topology, RabbitPublisher publisher,
			PublishWindow window) {
		this.connectionFactory = connectionFactory;
		this.topology = topology;
		this.publisher = publisher;
		this.window = window;
	}

	CompletableFuture<Message> request(ChannelDestination destination, Message request, Duration timeout) {
		CompletableFuture<Message> reply = new CompletableFuture<>();
		try {
			this.topology.declareExchange(destination.name());
			RabbitMessageFuture future = requestTemplate().sendAndReceive(destination.name(),
					RabbitMessageMapper.routingKey(request.getKey()), RabbitMessageMapper.toAmqp(request));
			boolean timed = this.window.schedule(() -> {
				if (reply.completeExceptionally(new ReplyTimeoutException(destination, timeout))) {
					future.cancel(false);
				}
			}, timeout);
			if (!timed) {
				future.cancel(false);
				reply.completeExceptionally(closed(request, destination));
				return reply;
			}
			future.whenComplete((amqp, failure) -> {
				if (failure == null) {
					reply.complete(RabbitMessageMapper.toMessage(amqp));
				}
				else {
					reply.completeExceptionally(new ChannelPublishException(
							"RabbitMQ did not deliver request " + request + " to " + destination, request.getId(),
							failure));
				}
			});
		}
		catch (AmqpException | RejectedExecutionException | IllegalStateException ex) {
			reply.completeExceptionally(new ChannelPublishException(
					"RabbitMQ did not accept request " + request + " for " + destination, request.getId(), ex));
		}
		return reply;
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
		// Not mandatory: RabbitMQ returns a mandatory publish to a direct reply-to address as NO_ROUTE even when it
		// delivers it.
		this.publisher.publish(replyAddress, reply, answer, "", replyTo, false, REPLY_TIMEOUT)
			.whenComplete((ignored, failure) -> {
				if (failure != null) {
					logger.warn("Reply " + reply + " to " + context + " was not delivered: " + failure.getMessage());
				}
			});
	}

	private AsyncRabbitTemplate requestTemplate() {
		synchronized (this.lock) {
			if (this.closed) {
				throw new IllegalStateException("The RabbitMQ channel binder is closed");
			}
			if (this.requestTemplate == null) {
				// Its own template: the async template registers itself for the returns of its requests.
				AsyncRabbitTemplate requests = new AsyncRabbitTemplate(new RabbitTemplate(this.connectionFactory));
				requests.setMandatory(true);
				// Replies are awaited per request; this is only the upper bound that frees forgotten requests.
				requests.setReceiveTimeout(Duration.ofMinutes(10).toMillis());
				requests.start();
				this.requestTemplate = requests;
			}
			return this.requestTemplate;
		}
	}

	private static ChannelPublishException closed(Message request, ChannelDestination destination) {
		return new ChannelPublishException("RabbitMQ did not accept request " + request + " for " + destination
				+ ": the binder is closed", request.getId(), null);
	}

	@Override
	public void close() {
		synchronized (this.lock) {
			this.closed = true;
			if (this.requestTemplate != null) {
				this.requestTemplate.stop();
			}
		}
	}

}
