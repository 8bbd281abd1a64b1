package dev.switchboard.autoconfigure.channel.kafka;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.DeadLetterHeaders;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.RetrySettings;
import dev.switchboard.core.channel.UnreadableMessageException;
import dev.switchboard.core.channel.support.ListenerInvoker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer.HeaderNames.HeadersToAdd;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;

/**
 * A consumer's failure handling: a {@link DefaultErrorHandler} retries on the partition with the channel's
 * backoff (blocking it meanwhile), then a {@link DeadLetterPublishingRecoverer} sends the record to the
 * dead-letter topic with {@link DeadLetterHeaders} and the original partition and offset; the offset is then
 * committed, so the following records flow.
 *
 * @author Switchboard
 */
final class KafkaDeadLetters {

	private static final Log logger = LogFactory.getLog(KafkaDeadLetters.class);

	private final KafkaTemplate<String, byte[]> template;

	KafkaDeadLetters(KafkaTemplate<String, byte[]> template) {
		this.template = template;
	}

	DefaultErrorHandler errorHandler(ChannelDestination destination, String group, ConsumerSettings settings) {
		RetrySettings retry = settings.retry();
		ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(retry.maxAttempts() - 1);
		backOff.setInitialInterval(retry.backoff().toMillis());
		backOff.setMultiplier(retry.multiplier());
		backOff.setMaxInterval(retry.maxBackoff().toMillis());
		ChannelDestination deadLetter = settings.deadLetter();
		ConsumerRecordRecoverer recoverer = (deadLetter != null) ? recoverer(destination, group, deadLetter)
				: (record, failure) -> logger.error("Dropping " + record.topic() + "-" + record.partition() + "@"
						+ record.offset() + " of group '" + group + "' (dead-lettering is disabled)", unwrap(failure));
		DefaultErrorHandler errorHandler = new DefaultErrorHandler(recoverer, backOff);
		errorHandler.addNotRetryableExceptions(UnreadableMessageException.class);
		return errorHandler;
	}

	private DeadLetterPublishingRecoverer recoverer(ChannelDestination destination, String group,
			ChannelDestination deadLetter) {
		// A negative partition lets the producer choose by key, so the dead-letter topic keeps per-key order.
		DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(this.template,
				(record, failure) -> new TopicPartition(deadLetter.name(), -1));
		// Switchboard's own headers describe the exception; Spring Kafka's copies would double the size.
		recoverer.excludeHeader(HeadersToAdd.EXCEPTION, HeadersToAdd.EX_CAUSE, HeadersToAdd.EX_MSG,
				HeadersToAdd.EX_STACKTRACE);
		recoverer.setHeadersFunction((record, failure) -> {
			@SuppressWarnings("unchecked")
			ConsumerRecord<String, byte[]> consumed = (ConsumerRecord<String, byte[]>) record;
			MessageContext context = new MessageContext(destination, group, KafkaRecordMapper.toMessage(consumed),
					KafkaRecordMapper.deliveryAttempt(consumed));
			Throwable cause = unwrap(failure);
			logger.warn("Moving " + context.getMessage() + " of " + context + " to '" + deadLetter.name() + "': "
					+ cause);
			RecordHeaders headers = new RecordHeaders();
			DeadLetterHeaders.describe(context, cause)
				.forEach((name, value) -> headers.add(name, KafkaRecordMapper.utf8(value)));
			headers.add(KafkaChannelBinder.ORIGINAL_PARTITION_HEADER,
					KafkaRecordMapper.utf8(Integer.toString(record.partition())));
			headers.add(KafkaChannelBinder.ORIGINAL_OFFSET_HEADER,
					KafkaRecordMapper.utf8(Long.toString(record.offset())));
			return headers;
		});
		return recoverer;
	}

	static Throwable unwrap(Throwable failure) {
		return ListenerInvoker.unwrap(failure, ListenerExecutionFailedException.class);
	}

}
