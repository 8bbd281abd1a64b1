package dev.switchboard.autoconfigure.channel.kafka;

import java.util.function.Consumer;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.Subscription;

import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * One listener container of a {@link KafkaChannelBinder}.
 *
 * @author Switchboard
 */
final class KafkaSubscription implements Subscription {

	private final ChannelDestination destination;

	private final String group;

	private final ConcurrentMessageListenerContainer<String, byte[]> container;

	private final Consumer<KafkaSubscription> onClose;

	KafkaSubscription(ChannelDestination destination, String group,
			ConcurrentMessageListenerContainer<String, byte[]> container, Consumer<KafkaSubscription> onClose) {
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
		// Stops after the records in flight; uncommitted ones are redelivered to the group.
		this.container.stop();
		this.onClose.accept(this);
	}

	@Override
	public String toString() {
		return "kafka:" + this.destination.name() + "/" + this.group;
	}

}
