package dev.switchboard.autoconfigure.channel.rabbit;

import java.util.function.Consumer;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.Subscription;

import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

/**
 * One listener container of a {@link RabbitChannelBinder}.
 *
 * @author Switchboard
 */
final class RabbitSubscription implements Subscription {

	private final ChannelDestination destination;

	private final String group;

	private final SimpleMessageListenerContainer container;

	private final Consumer<RabbitSubscription> onClose;

	RabbitSubscription(ChannelDestination destination, String group, SimpleMessageListenerContainer container,
			Consumer<RabbitSubscription> onClose) {
		this.destination = destination;
		this.group = group;
		this.container = container;
		this.onClose = onClose;
	}

	@Override
	public ChannelDestination destination() {
		return this.destination;
	}

	@Override
	public String group() {
		return this.group;
	}

	@Override
	public void close() {
		// Finishes the messages in flight; unacknowledged prefetched ones go back to the queue.
		this.container.stop();
		this.container.destroy();
		this.onClose.accept(this);
	}

	@Override
	public String toString() {
		return "rabbit:" + this.destination.name() + "." + this.group;
	}

}
