package dev.switchboard.autoconfigure.channel.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ChannelPublishException;
import dev.switchboard.core.channel.DeadLetterHeaders;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.ReplyTimeoutException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.requestreply.KafkaReplyTimeoutException;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * Request-reply over Kafka: a {@link ReplyingKafkaTemplate} with a reply topic of this binder instance, created on
 * the first request and deleted on close; replies go to the requester's reply topic and partition.
 *
 * @author Switchboard
 */
final class KafkaRequestReply implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(KafkaRequestReply.class);

	private final String replyTopic = "switchboard-replies-" + UUID.randomUUID();

	private final ProducerFactory<String, byte[]> producerFactory;

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final KafkaTemplate<String, byte[]> template;

	private final KafkaTopics topics;

	private final Object lock = new Object();

	private @Nullable ReplyingKafkaTemplate<String, byte[], byte[]> replyingTemplate;

	KafkaRequestReply(ProducerFactory<String, byte[]> producerFactory, ConsumerFactory<String, byte[]> consumerFactory,
			KafkaTemplate<String, byte[]> template, KafkaTopics topics) {
		this.producerFactory = producerFactory;
		this.consumerFactory = consumerFactory;
		this.template = template;
		this.topics = topics;
	}

	CompletableFuture<Message> request(ChannelDestination destination, Message request, Duration timeout) {
		CompletableFuture<Message> reply = new CompletableFuture<>();
		try {
			ReplyingKafkaTemplate<String, byte[], byte[]> replying = replyingTemplate();
			this.topics.ensure(destination.name(), timeout);
			replying.sendAndReceive(KafkaRecordMapper.toRecord(destination.name(), null, request), timeout)
				.whenComplete((record, failure) -> {
					if (failure == null) {
						reply.complete(KafkaRecordMapper.toMessage(record));
					}
					else if (KafkaDeadLetters.unwrap(failure) instanceof KafkaReplyTimeoutException) {
						reply.completeExceptionally(new ReplyTimeoutException(destination, timeout));
					}
					else {
						reply.completeExceptionally(failure);
					}
				});
		}
		catch (RuntimeException ex) {
			reply.completeExceptionally(new ChannelPublishException(
					"Kafka did not accept request " + request + " for " + destination, request.getId(), ex));
		}
		return reply;
	}

	void reply(ConsumerRecord<String, byte[]> request, Message reply) {
		Headers headers = request.headers();
		Header replyTo = headers.lastHeader(KafkaHeaders.REPLY_TOPIC);
		Header correlation = headers.lastHeader(KafkaHeaders.CORRELATION_ID);
		// A dead letter keeps its request headers, but nobody must answer it from the DLQ.
		if (replyTo == null || correlation == null || headers.lastHeader(DeadLetterHeaders.EXCEPTION_CLASS) != null) {
			return;
		}
		Header replyPartition = headers.lastHeader(KafkaHeaders.REPLY_PARTITION);
		Integer partition = (replyPartition != null) ? ByteBuffer.wrap(replyPartition.value()).getInt() : null;
		ProducerRecord<String, byte[]> record = KafkaRecordMapper
			.toRecord(new String(replyTo.value(), StandardCharsets.UTF_8), partition, reply);
		record.headers().add(KafkaHeaders.CORRELATION_ID, correlation.value());
		this.template.send(record).whenComplete((result, failure) -> {
			if (failure != null) {
				logger.error("Could not send the reply to " + request.topic() + "-" + request.partition() + "@"
						+ request.offset(), failure);
			}
		});
	}

	private ReplyingKafkaTemplate<String, byte[], byte[]> replyingTemplate() {
		synchronized (this.lock) {
			ReplyingKafkaTemplate<String, byte[], byte[]> replying = this.replyingTemplate;
			if (replying != null) {
				return replying;
			}
			// One reply topic per binder instance: replies never reach another instance's consumer.
			this.topics.create(this.replyTopic, 1, KafkaTopics.ADMIN_TIMEOUT);
			ContainerProperties containerProperties = new ContainerProperties(this.replyTopic);
			containerProperties.setGroupId(this.replyTopic);
			Properties overrides = new Properties();
			overrides.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
			containerProperties.setKafkaConsumerProperties(overrides);
			KafkaMessageListenerContainer<String, byte[]> container = new KafkaMessageListenerContainer<>(
					this.consumerFactory, containerProperties);
			container.setBeanName("switchboard-kafka-replies");
			replying = new ReplyingKafkaTemplate<>(this.producerFactory, container);
			replying.setSharedReplyTopic(false);
			replying.start();
			this.replyingTemplate = replying;
			return replying;
		}
	}

	@Override
	public void close() {
		synchronized (this.lock) {
			if (this.replyingTemplate != null) {
				this.replyingTemplate.stop();
				this.topics.delete(this.replyTopic);
			}
		}
	}

}
