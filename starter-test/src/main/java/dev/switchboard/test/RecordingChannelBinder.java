package dev.switchboard.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.switchboard.core.channel.ChannelBinder;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;
import dev.switchboard.core.channel.InMemoryChannelBinder;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageHandler;
import dev.switchboard.core.channel.Subscription;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;

/**
 * The {@code memory} binder of a test: the {@link InMemoryChannelBinder} underneath, with every message the
 * application publishes and every listener invocation recorded. Ordered first so that the channel registry,
 * which takes the first binder of each name, picks it over the plain in-memory binder bean.
 *
 * @author Switchboard
 */
final class RecordingChannelBinder implements ChannelBinder, Ordered {

	private final InMemoryChannelBinder delegate;

	private final Object monitor = new Object();

	private final List<Published> published = new ArrayList<>();

	private final List<Handled> handled = new ArrayList<>();

	RecordingChannelBinder(InMemoryChannelBinder delegate) {
		this.delegate = delegate;
	}

	@Override
	public String name() {
		return InMemoryChannelBinder.NAME;
	}

	@Override
	public CompletableFuture<Void> send(ChannelDestination destination, Message message, Duration timeout) {
		record(new Published(destination, message));
		return this.delegate.send(destination, message, timeout);
	}

	/**
	 * Sends without recording: for messages a test sends to the application's listeners.
	 */
	CompletableFuture<Void> sendUnrecorded(ChannelDestination destination, Message message) {
		return this.delegate.send(destination, message);
	}

	@Override
	public Subscription subscribe(ChannelDestination destination, String group, MessageHandler handler,
			ConsumerSettings settings) {
		MessageHandler recording = (message, context) -> {
			try {
				Message reply = handler.handle(message, context);
				record(new Handled(message.getId(), context.getGroup(), context.getDeliveryAttempt(), null));
				return reply;
			}
			catch (Exception ex) {
				record(new Handled(message.getId(), context.getGroup(), context.getDeliveryAttempt(), ex));
				throw ex;
			}
		};
		return this.delegate.subscribe(destination, group, recording, settings);
	}

	@Override
	public CompletableFuture<Message> request(ChannelDestination destination, Message request, Duration timeout) {
		record(new Published(destination, request));
		return this.delegate.request(destination, request, timeout);
	}

	@Override
	public void close() {
		// The in-memory binder is a bean of its own: the context closes it.
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	Object monitor() {
		return this.monitor;
	}

	/**
	 * The records so far; call while holding {@link #monitor()}.
	 */
	List<Published> published() {
		return this.published;
	}

	/**
	 * The listener invocations so far; call while holding {@link #monitor()}.
	 */
	List<Handled> handled() {
		return this.handled;
	}

	void clear() {
		synchronized (this.monitor) {
			this.published.clear();
			this.handled.clear();
		}
	}

	private void record(Published record) {
		synchronized (this.monitor) {
			this.published.add(record);
			this.monitor.notifyAll();
		}
	}

	private void record(Handled record) {
		synchronized (this.monitor) {
			this.handled.add(record);
			this.monitor.notifyAll();
		}
	}

	record Published(ChannelDestination destination, Message message) {
	}

	record Handled(String messageId, String group, int attempt, @Nullable Exception failure) {
	}

}
