package dev.switchboard.core.channel;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * Connects channels to one kind of broker. One binder serves every channel configured with its {@link #name()},
 * from many threads at once.
 * <p>
 * Contract for implementations, so that every binder behaves the same:
 * <ul>
 * <li>{@link #send} completes its future when the broker has accepted the message (Kafka {@code acks=all}, a
 * RabbitMQ publisher confirm) and, at the latest, when its deadline passes: then with a
 * {@link MessageNotPublishedException} if the message was never handed to the broker (and it never will be), or
 * a {@link PublishOutcomeUnknownException} if it was. It blocks its caller no longer than the deadline, and
 * bounds the publishes it holds (a {@link dev.switchboard.core.channel.publish.PublishWindow} does both).</li>
 * <li>Every consumer group receives every message once; within a group one consumer processes it; messages
 * with the same key reach the same consumer in publication order.</li>
 * <li>A handler that throws is called again after the delays of {@link RetrySettings#backOff()}, up to
 * {@link RetrySettings#maxAttempts()} attempts, each with a growing {@link MessageContext#getDeliveryAttempt()};
 * an {@link UnreadableMessageException} is not retried. Then the message goes to
 * {@link ConsumerSettings#deadLetter()} with the {@link DeadLetterHeaders} added (see
 * {@link DeadLetterHeaders#deadLetter}) and is acknowledged, so later messages keep flowing.</li>
 * <li>A reply returned by a handler for a message sent with {@link #request} goes back to the requester.</li>
 * </ul>
 * Duplicate suppression is not the binder's job: handlers are wrapped by an {@link IdempotentConsumer}.
 *
 * @author Switchboard
 */
public interface ChannelBinder extends AutoCloseable {

	/**
	 * The name that selects this binder in {@code switchboard.channels.<name>.binder}: {@code memory},
	 * {@code kafka}, {@code rabbit}.
	 * @return the binder name
	 */
	String name();

	/** The deadline of a publish that names none: the default of {@code request-timeout}. */
	Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Sends a message with a deadline.
	 * @param destination where to send it
	 * @param message the message
	 * @param timeout the time from now to the publish's deadline
	 * @return a future completed when the broker acknowledged the message, or exceptionally by the deadline
	 */
	CompletableFuture<Void> send(ChannelDestination destination, Message message, Duration timeout);

	/**
	 * Sends a message with the {@link #DEFAULT_PUBLISH_TIMEOUT default deadline}.
	 * @param destination where to send it
	 * @param message the message
	 * @return a future completed when the broker acknowledged the message, or exceptionally by the deadline
	 */
	default CompletableFuture<Void> send(ChannelDestination destination, Message message) {
		return send(destination, message, DEFAULT_PUBLISH_TIMEOUT);
	}

	/**
	 * Starts consuming a destination as a member of a consumer group.
	 * @param destination the destination to consume
	 * @param group the consumer group
	 * @param handler processes each message
	 * @param settings concurrency, retries and dead-lettering
	 * @return the subscription, to close when done
	 */
	Subscription subscribe(ChannelDestination destination, String group, MessageHandler handler,
			ConsumerSettings settings);

	/**
	 * Sends a request and waits, without blocking, for the first reply returned by a handler (Kafka:
	 * {@code ReplyingKafkaTemplate}; RabbitMQ: direct reply-to).
	 * @param destination where to send the request
	 * @param request the request
	 * @param timeout how long to wait for the reply
	 * @return a future completed with the reply, or exceptionally with a {@link ReplyTimeoutException}
	 */
	CompletableFuture<Message> request(ChannelDestination destination, Message request, Duration timeout);

	/**
	 * Stops every subscription and releases the binder's resources.
	 */
	@Override
	void close();

	/**
	 * The publishes this binder holds now: queued or awaiting the broker's acknowledgement (for operators: when it
	 * nears the binder's bound, the broker is not keeping up or not answering).
	 * @return the count, or {@code null} when the binder holds none by design
	 */
	default @Nullable Integer pendingPublishes() {
		return null;
	}

	/**
	 * How many messages a dead-letter destination holds, where the broker can tell (for operators: the
	 * actuator endpoint shows it per channel).
	 * @param deadLetter the dead-letter destination
	 * @return the number of messages, or {@code null} when the binder cannot tell
	 */
	default @Nullable Long deadLetterCount(ChannelDestination deadLetter) {
		return null;
	}

}
