package dev.switchboard.autoconfigure.channel.rabbit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder.QueueSettings;
import dev.switchboard.autoconfigure.channel.rabbit.RabbitChannelBinder.QueueType;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * Declares the binder's exchanges and queues: a destination is a durable topic exchange, a consumer group a
 * durable queue {@code <destination>.<group>} bound to it with {@code #}, a dead-letter destination an exchange
 * with a queue of the same name. Declarations are remembered until a connection failure may have lost them.
 *
 * @author Switchboard
 */
final class RabbitTopology {

	private final RabbitAdmin admin;

	private final Set<String> declaredExchanges = ConcurrentHashMap.newKeySet();

	RabbitTopology(RabbitAdmin admin) {
		this.admin = admin;
	}

	void declareExchange(String exchange) {
		if (!exchange.isEmpty() && !this.declaredExchanges.contains(exchange)) {
			this.admin.declareExchange(new TopicExchange(exchange, true, false));
			this.declaredExchanges.add(exchange);
		}
	}

	/** Declares the exchange again on its next use: a broker reset may have lost it. */
	void forget(String exchange) {
		this.declaredExchanges.remove(exchange);
	}

	/**
	 * Declares a group's queue.
	 * @param exchange the destination's exchange
	 * @param group the group
	 * @param settings the queue's type and delivery limit
	 * @param deadLetterExchange where the broker sends a message past its delivery limit, or {@code null}
	 * @return the queue name
	 */
	String declareGroupQueue(String exchange, String group, QueueSettings settings,
			@Nullable String deadLetterExchange) {
		String queue = exchange + "." + group;
		QueueBuilder builder = queueBuilder(queue, settings.type());
		if (settings.deliveryLimit() != null) {
			// A message whose deliveries keep ending without an acknowledgement (its consumer crashes, its
			// connection drops) is taken out by the broker after the limit instead of looping forever.
			builder.deliveryLimit(settings.deliveryLimit());
			if (deadLetterExchange != null) {
				builder.deadLetterExchange(deadLetterExchange);
			}
		}
		declareBoundQueue(exchange, builder.build());
		return queue;
	}

	/** The dead-letter queue keeps dead letters even before anyone consumes them. */
	void declareDeadLetterQueue(String deadLetter, QueueType type) {
		declareBoundQueue(deadLetter, queueBuilder(deadLetter, type).build());
	}

	@Nullable Long messageCount(String queue) {
		try {
			QueueInformation information = this.admin.getQueueInfo(queue);
			return (information != null) ? Long.valueOf(information.getMessageCount()) : null;
		}
		catch (AmqpException ex) {
			return null;
		}
	}

	private static QueueBuilder queueBuilder(String name, QueueType type) {
		QueueBuilder builder = QueueBuilder.durable(name);
		return (type == QueueType.QUORUM) ? builder.quorum() : builder;
	}

	private void declareBoundQueue(String exchange, Queue queue) {
		declareExchange(exchange);
		this.admin.declareQueue(queue);
		this.admin.declareBinding(BindingBuilder.bind(queue).to(new TopicExchange(exchange, true, false)).with("#"));
	}

}
