package dev.switchboard.autoconfigure.channel.kafka;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.publish.PendingPublish;
import dev.switchboard.core.channel.publish.PublishWindow;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ProducerFactory;

/**
 * Publishes records with the idempotent {@code acks=all} producer, each within its deadline
 * ({@link PublishWindow}). The producer retries by itself; this class decides the outcome a publisher sees:
 * <ul>
 * <li>confirmed when Kafka acknowledged the record;</li>
 * <li>not published when the producer did not take the record (no metadata for the topic within
 * {@code max.block.ms}, the topic could not be created in time, a record too large, the window full);</li>
 * <li>unknown when the producer took the record and the deadline passed before the acknowledgement, or the
 * producer gave up on it after it may have been sent ({@code delivery.timeout.ms}).</li>
 * </ul>
 * A record for a topic this binder has not seen exists yet is sent once the topic is created, from one sender
 * thread, so a publisher's thread never waits for the topic; a record for a known topic is handed to the producer
 * on the publisher's thread, as a {@code KafkaTemplate} would.
 *
 * @author Switchboard
 */
final class KafkaPublisher implements AutoCloseable {

	private final ProducerFactory<String, byte[]> producerFactory;

	private final KafkaTopics topics;

	private final PublishWindow window;

	private final ThreadPoolExecutor sender;

	KafkaPublisher(ProducerFactory<String, byte[]> producerFactory, KafkaTopics topics, PublishWindow window) {
		this.producerFactory = producerFactory;
		this.topics = topics;
		this.window = window;
		// Bounded by the window: every queued send holds a place in it.
		this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(window.maxPending()), (runnable) -> {
					Thread thread = new Thread(runnable, "switchboard-kafka-sender");
					thread.setDaemon(true);
					return thread;
				});
	}

	CompletableFuture<Void> publish(ChannelDestination destination, Message message, Duration timeout) {
		PendingPublish pending = this.window.open(destination, message, timeout);
		if (pending.isDone()) {
			return pending.future();
		}
		ProducerRecord<String, byte[]> record = KafkaRecordMapper.toRecord(destination.name(), null, message);
		CompletableFuture<Void> topic = this.topics.ensure(destination.name());
		if (topic.isDone() && !topic.isCompletedExceptionally()) {
			send(pending, record);
		}
		else {
			topic.whenComplete((ignored, failure) -> {
				if (failure != null) {
					pending.notHandedOver(failure);
					pending.rejected("its topic could not be created", failure);
					pending.release();
					return;
				}
				try {
					this.sender.execute(() -> send(pending, record));
				}
				catch (RejectedExecutionException ex) {
					pending.rejected("the binder is closed", ex);
					pending.release();
				}
			});
		}
		return pending.future();
	}

	private void send(PendingPublish pending, ProducerRecord<String, byte[]> record) {
		if (!pending.startAttempt()) {
			// Withdrawn: its deadline passed while it waited for its topic. It must never be sent.
			pending.release();
			return;
		}
		Attempt attempt = new Attempt(pending);
		try {
			Producer<String, byte[]> producer = this.producerFactory.createProducer();
			producer.send(record, attempt);
		}
		catch (RuntimeException ex) {
			// Thrown before the record reached the producer's buffer (serialization, a closed producer).
			pending.notHandedOver(ex);
			pending.rejected("the Kafka producer did not take the record", ex);
			pending.release();
			return;
		}
		attempt.returned();
	}

	@Override
	public void close() {
		this.sender.shutdownNow();
	}

	/**
	 * One record handed to the producer. Kafka's producer reports a record it did not take (no metadata in time,
	 * too large) by calling the callback on the sending thread before {@code send} returns; every later call
	 * comes from its network thread, after the record may have been sent.
	 */
	private static final class Attempt implements Callback {

		private final PendingPublish pending;

		private final Thread sendingThread = Thread.currentThread();

		private boolean returned;

		Attempt(PendingPublish pending) {
			this.pending = pending;
		}

		void returned() {
			synchronized (this) {
				this.returned = true;
			}
			this.pending.handedOver();
		}

		@Override
		public void onCompletion(@Nullable RecordMetadata metadata, @Nullable Exception failure) {
			if (failure == null) {
				this.pending.confirmed();
			}
			else {
				boolean beforeHandOver;
				synchronized (this) {
					beforeHandOver = !this.returned && Thread.currentThread() == this.sendingThread;
				}
				if (beforeHandOver) {
					this.pending.notHandedOver(failure);
				}
				else if (neverWritten(failure)) {
					this.pending.refused(failure);
				}
				else {
					this.pending.attemptFailed(failure);
				}
				this.pending.rejected("Kafka did not acknowledge the record", failure);
			}
			this.pending.release();
		}

		/** Failures that Kafka reports before writing a record to any broker's log. */
		private static boolean neverWritten(Exception failure) {
			return failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException
					|| failure instanceof InvalidTopicException || failure instanceof AuthorizationException
					|| failure instanceof SerializationException;
		}

	}

}
