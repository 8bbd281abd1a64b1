package dev.switchboard.autoconfigure.channel.rabbit;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.DeadLetterHeaders;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.RetrySettings;
import dev.switchboard.core.channel.UnreadableMessageException;
import dev.switchboard.core.channel.support.ListenerInvoker;
import org.aopalliance.intercept.MethodInterceptor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.config.RetryInterceptorBuilder;
import org.springframework.amqp.rabbit.retry.MessageRecoverer;
import org.springframework.amqp.rabbit.support.ListenerExecutionFailedException;
import org.springframework.core.retry.RetryPolicy;

/**
 * A consumer's failure handling: retries in the consumer with the channel's backoff (Spring AMQP's stateless
 * retry interceptor), then the message is published with confirms to the dead-letter exchange with
 * {@link DeadLetterHeaders}; the original is acknowledged only once its dead letter is confirmed, and goes back
 * to the queue when dead-lettering fails.
 *
 * @author Switchboard
 */
final class RabbitDeadLetters {

	/** How long dead-lettering waits for the dead letter's confirm before the message goes back to its queue. */
	static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(10);

	private static final Log logger = LogFactory.getLog(RabbitDeadLetters.class);

	private final RabbitPublisher publisher;

	RabbitDeadLetters(RabbitPublisher publisher) {
		this.publisher = publisher;
	}

	MethodInterceptor retryInterceptor(ChannelDestination destination, String group, ConsumerSettings settings) {
		RetrySettings retry = settings.retry();
		RetryPolicy policy = RetryPolicy.builder()
			.backOff(retry.backOff())
			.predicate((failure) -> !ListenerInvoker.causedBy(failure, UnreadableMessageException.class))
			.build();
		return RetryInterceptorBuilder.stateless()
			.retryPolicy(policy)
			.recoverer(recoverer(destination, group, settings.deadLetter()))
			.build();
	}

	private MessageRecoverer recoverer(ChannelDestination destination, String group,
			@Nullable ChannelDestination deadLetter) {
		return (amqp, failure) -> {
			Throwable cause = ListenerInvoker.unwrap(failure, ListenerExecutionFailedException.class);
			MessageContext context = new MessageContext(destination, group, RabbitMessageMapper.toMessage(amqp),
					RabbitMessageMapper.deliveryAttempt(amqp));
			if (deadLetter == null) {
				logger.error("Dropping " + context.getMessage() + " of " + context + " (dead-lettering is disabled)",
						cause);
				return;
			}
			try {
				// Waits for the confirm: the original is acknowledged only once the dead letter is safe.
				this.publisher.publish(deadLetter, DeadLetterHeaders.deadLetter(context, cause), DEAD_LETTER_TIMEOUT)
					.get(DEAD_LETTER_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while dead-lettering " + context, ex);
			}
			catch (ExecutionException | TimeoutException ex) {
				// Rejected with requeue by the container: the message comes back rather than being lost.
				throw new IllegalStateException("Could not dead-letter " + context,
						(ex.getCause() != null) ? ex.getCause() : ex);
			}
			logger.warn("Moved " + context.getMessage() + " to '" + deadLetter.name() + "' after attempt "
					+ context.getDeliveryAttempt() + ": " + cause);
		};
	}

}
