package dev.switchboard.autoconfigure.channel.kafka;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.DeadLetterHeaders;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.UnreadableMessageException;
import dev.switchboard.core.channel.support.ListenerInvoker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.listener.TimestampedException;

/**
 * A consumer's failure handling: a {@link DefaultErrorHandler} retries on the partition with the channel's
 * backoff (blocking it meanwhile), then a {@link DeadLetterPublishingRecoverer} sends the record to the
 * dead-letter topic with {@link DeadLetterHeaders} and the original partition and offset; the offset is then
 * committed, so the following records flow. Dead letters carry only text headers ({@link KafkaRepublisher}).
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
		DefaultErrorHandler errorHandler = new DefaultErrorHandler(recoverer(destination, group, settings),
				settings.retry().backOff());
		errorHandler.addNotRetryableExceptions(UnreadableMessageException.class);
		return errorHandler;
	}

	/**
	 * What becomes of a record whose last attempt failed: the dead-letter topic, or a log when dead-lettering is
	 * disabled.
	 */
	ConsumerRecordRecoverer recoverer(ChannelDestination destination, String group, ConsumerSettings settings) {
		ChannelDestination deadLetter = settings.deadLetter();
		return (deadLetter != null) ? recoverer(destination, group, deadLetter)
				: (record, failure) -> logger.error("Dropping " + record.topic() + "-" + record.partition() + "@"
						+ record.offset() + " of group '" + group + "' (dead-lettering is disabled)", unwrap(failure));
	}

	private DeadLetterPublishingRecoverer recoverer(ChannelDestination destination, String group,
			ChannelDestination deadLetter) {
		DeadLetterPublishingRecoverer recoverer = KafkaRepublisher.toDeadLetter(this.template, deadLetter.name());
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
			// A record from a retry topic names where it was first consumed.
			headers.add(KafkaChannelBinder.ORIGINAL_PARTITION_HEADER, KafkaRetryTopics.originalPartition(record));
			headers.add(KafkaChannelBinder.ORIGINAL_OFFSET_HEADER, KafkaRetryTopics.originalOffset(record));
			return headers;
		});
		return recoverer;
	}

	static Throwable unwrap(Throwable failure) {
		// The retry listener's adapter wraps failures in a TimestampedException, when they happened.
		return ListenerInvoker.unwrap(failure, ListenerExecutionFailedException.class, TimestampedException.class);
	}

}
