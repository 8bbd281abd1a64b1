package dev.switchboard.autoconfigure.channel.rabbit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

	private final QueueType queueType;

	private final Set<String> declaredExchanges = ConcurrentHashMap.newKeySet();

	RabbitTopology(RabbitAdmin admin, QueueType queueType) {
		this.admin = admin;
		this.queueType = queueType;
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

	String declareGroupQueue(String exchange, String group) {
		String queue = exchange + "." + group;
		declareBoundQueue(exchange, queue);
		return queue;
	}

	/** The dead-letter queue keeps dead letters even before anyone consumes them. */
	void declareDeadLetterQueue(String deadLetter) {
		declareBoundQueue(deadLetter, deadLetter);
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

	private void declareBoundQueue(String exchange, String queueName) {
		declareExchange(exchange);
		QueueBuilder builder = QueueBuilder.durable(queueName);
		if (this.queueType == QueueType.QUORUM) {
			builder.quorum();
		}
		Queue queue = builder.build();
		this.admin.declareQueue(queue);
		this.admin.declareBinding(BindingBuilder.bind(queue).to(new TopicExchange(exchange, true, false)).with("#"));
	}

}
