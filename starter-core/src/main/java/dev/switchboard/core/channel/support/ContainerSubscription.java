package dev.switchboard.core.channel.support;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.Subscription;

/**
 * A {@link Subscription} backed by a broker client's listener container: closing it stops the container once and
 * tells the binder, which forgets it.
 *
 * @author Switchboard
 */
public final class ContainerSubscription implements Subscription {

	private final ChannelDestination destination;

	private final String group;

	private final String description;

	private final Runnable stop;

	private final Consumer<ContainerSubscription> onClose;

	private final AtomicBoolean closed = new AtomicBoolean();

	/**
	 * Creates a subscription.
	 * @param destination the destination consumed
	 * @param group the consumer group
	 * @param description how logs and the actuator name it, e.g. {@code rabbit:orders.mailer}
	 * @param stop stops the container, letting the messages in flight finish
	 * @param onClose called once after the container stopped
	 */
	public ContainerSubscription(ChannelDestination destination, String group, String description, Runnable stop,
			Consumer<ContainerSubscription> onClose) {
		this.destination = Objects.requireNonNull(destination, "destination");
		this.group = Objects.requireNonNull(group, "group");
		this.description = Objects.requireNonNull(description, "description");
		this.stop = Objects.requireNonNull(stop, "stop");
		this.onClose = Objects.requireNonNull(onClose, "onClose");
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
		if (this.closed.compareAndSet(false, true)) {
			this.stop.run();
			this.onClose.accept(this);
		}
	}

	@Override
	public String toString() {
		return this.description;
	}

}
