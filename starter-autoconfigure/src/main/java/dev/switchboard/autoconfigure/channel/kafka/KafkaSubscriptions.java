package dev.switchboard.autoconfigure.channel.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.MessageHandler;
import dev.switchboard.core.channel.Subscription;
import dev.switchboard.core.channel.support.ContainerSubscription;
import dev.switchboard.core.channel.support.ListenerInvoker;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;

/**
 * The subscriptions of a {@link KafkaChannelBinder}: a listener container per subscription (and one more for its
 * retry topic with {@link dev.switchboard.core.channel.RetrySettings.Mode#TOPICS}), made by the container factory
 * Spring Boot configured, with the binder's error handling.
 *
 * @author Switchboard
 */
final class KafkaSubscriptions {

	private final ConcurrentKafkaListenerContainerFactory<String, byte[]> containerFactory;

	private final KafkaTopics topics;

	private final KafkaDeadLetters deadLetters;

	private final KafkaRetryTopics retryTopics;

	private final KafkaRequestReply requestReply;

	private final List<ContainerSubscription> subscriptions = new CopyOnWriteArrayList<>();

	KafkaSubscriptions(ConcurrentKafkaListenerContainerFactory<String, byte[]> containerFactory, KafkaTopics topics,
			KafkaDeadLetters deadLetters, KafkaRetryTopics retryTopics, KafkaRequestReply requestReply) {
		this.containerFactory = containerFactory;
		this.topics = topics;
		this.deadLetters = deadLetters;
		this.retryTopics = retryTopics;
		this.requestReply = requestReply;
	}

	Subscription subscribe(ChannelDestination destination, String group, MessageHandler handler,
			ConsumerSettings settings) {
		this.topics.ensure(destination.name(), KafkaTopics.ADMIN_TIMEOUT);
		ChannelDestination deadLetter = settings.deadLetter();
		if (deadLetter != null) {
			this.topics.ensure(deadLetter.name(), KafkaTopics.ADMIN_TIMEOUT);
		}
		MessageListener<String, byte[]> listener = (record) -> onRecord(destination, group, handler, record);
		List<ConcurrentMessageListenerContainer<String, byte[]>> containers = new ArrayList<>();
		if (KafkaRetryTopics.applies(settings)) {
			this.topics.ensure(KafkaRetryTopics.retryTopic(destination, group), KafkaTopics.ADMIN_TIMEOUT);
			containers.add(container(destination.name(), group, listener,
					this.retryTopics.errorHandler(destination, group, settings)));
			containers.add(this.retryTopics.retryContainer(destination, group, listener, settings, this::container));
		}
		else {
			containers.add(container(destination.name(), group, listener,
					this.deadLetters.errorHandler(destination, group, settings)));
		}
		containers.forEach((container) -> container.setConcurrency(settings.concurrency()));
		containers.get(0).setBeanName("switchboard-kafka-" + destination.name() + "-" + group);
		// Closing stops after the records in flight; uncommitted ones are redelivered to the group.
		ContainerSubscription subscription = new ContainerSubscription(destination, group,
				"kafka:" + destination.name() + "/" + group, () -> containers.forEach((container) -> {
					container.stop();
					this.retryTopics.remove(container);
				}), this.subscriptions::remove);
		this.subscriptions.add(subscription);
		containers.forEach(ConcurrentMessageListenerContainer::start);
		return subscription;
	}

	private ConcurrentMessageListenerContainer<String, byte[]> container(String topic, String group,
			MessageListener<String, byte[]> listener, CommonErrorHandler errorHandler) {
		return KafkaClientFactories.container(this.containerFactory, topic, group, listener, errorHandler);
	}

	private void onRecord(ChannelDestination destination, String group, MessageHandler handler,
			ConsumerRecord<String, byte[]> record) {
		Message message = KafkaRecordMapper.toMessage(record);
		MessageContext context = new MessageContext(destination, group, message,
				KafkaRecordMapper.deliveryAttempt(record));
		Message reply = ListenerInvoker.invoke(handler, message, context);
		if (reply != null) {
			this.requestReply.reply(record, reply);
		}
	}

	void close() {
		this.subscriptions.forEach(ContainerSubscription::close);
	}

	@Override
	public String toString() {
		return this.subscriptions.toString();
	}

}
