package dev.switchboard.autoconfigure.channel.rabbit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder.QueueSettings;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.MessageHandler;
import dev.switchboard.core.channel.Subscription;
import dev.switchboard.core.channel.support.ContainerSubscription;
import dev.switchboard.core.channel.support.ListenerInvoker;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.MessageListener;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

/**
 * The subscriptions of a {@link RabbitChannelBinder}: each is a {@link SimpleMessageListenerContainer} made by the
 * container factory on the group's queue, with the binder's retries, dead letters and replies.
 *
 * @author Switchboard
 */
final class RabbitSubscriptions implements AutoCloseable {

	private final SimpleRabbitListenerContainerFactory containerFactory;

	private final RabbitTopology topology;

	private final RabbitDeadLetters deadLetters;

	private final RabbitRequestReply requestReply;

	private final List<ContainerSubscription> subscriptions = new CopyOnWriteArrayList<>();

	RabbitSubscriptions(SimpleRabbitListenerContainerFactory containerFactory, RabbitTopology topology,
			RabbitDeadLetters deadLetters, RabbitRequestReply requestReply) {
		this.containerFactory = containerFactory;
		this.topology = topology;
		this.deadLetters = deadLetters;
		this.requestReply = requestReply;
	}

	/**
	 * Declares the group's queue (and the dead-letter queue) and starts consuming it.
	 * @param destination the destination
	 * @param group the consumer group
	 * @param handler the handler
	 * @param settings the consumers' settings
	 * @param queueSettings how the queues are declared
	 * @return the subscription
	 */
	Subscription subscribe(ChannelDestination destination, String group, MessageHandler handler,
			ConsumerSettings settings, QueueSettings queueSettings) {
		ChannelDestination deadLetter = settings.deadLetter();
		if (deadLetter != null) {
			this.topology.declareDeadLetterQueue(deadLetter.name(), queueSettings.type());
		}
		String queue = this.topology.declareGroupQueue(destination.name(), group, queueSettings,
				(deadLetter != null) ? deadLetter.name() : null);
		// Prefetch, executor, observation and the application's customizer come from the factory.
		SimpleMessageListenerContainer container = this.containerFactory.createListenerContainer();
		container.setQueueNames(queue);
		// Exactly the channel's consumers, never scaled up (spring.rabbitmq.listener.simple.max-concurrency): more
		// consumers would break the order of a key. The container checks concurrent <= max on each call.
		container.setConcurrentConsumers(1);
		container.setMaxConcurrentConsumers(settings.concurrency());
		container.setConcurrentConsumers(settings.concurrency());
		// Each message is handled, retried and acknowledged alone.
		container.setConsumerBatchEnabled(false);
		container.setAcknowledgeMode(AcknowledgeMode.AUTO);
		// A message whose dead-lettering failed goes back to the queue rather than away.
		container.setDefaultRequeueRejected(true);
		container.setMissingQueuesFatal(false);
		container.setRecoveryInterval(1000);
		container.setAdviceChain(this.deadLetters.retryInterceptor(destination, group, settings));
		container.setMessageListener((MessageListener) (amqp) -> onMessage(destination, group, handler, amqp));
		container.setBeanName("switchboard-rabbit-" + queue);
		container.afterPropertiesSet();
		// Closing finishes the messages in flight; unacknowledged prefetched ones go back to the queue.
		ContainerSubscription subscription = new ContainerSubscription(destination, group, "rabbit:" + queue, () -> {
			container.stop();
			container.destroy();
		}, this.subscriptions::remove);
		this.subscriptions.add(subscription);
		container.start();
		return subscription;
	}

	private void onMessage(ChannelDestination destination, String group, MessageHandler handler,
			org.springframework.amqp.core.Message amqp) {
		int attempt = RabbitMessageMapper.nextDeliveryAttempt(amqp);
		Message message = RabbitMessageMapper.toMessage(amqp);
		MessageContext context = new MessageContext(destination, group, message, attempt);
		Message reply = ListenerInvoker.invoke(handler, message, context);
		if (reply != null) {
			this.requestReply.reply(context, amqp.getMessageProperties(), reply);
		}
	}

	@Override
	public void close() {
		this.subscriptions.forEach(ContainerSubscription::close);
	}

	@Override
	public String toString() {
		return this.subscriptions.toString();
	}

}
