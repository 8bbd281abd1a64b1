package dev.switchboard.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.switchboard.autoconfigure.channel.ChannelMessageConverter;
import dev.switchboard.autoconfigure.channel.ChannelRegistry;
import dev.switchboard.autoconfigure.channel.ChannelSettings;
import dev.switchboard.core.channel.Message;
import dev.switchboard.test.RecordingChannelBinder.Handled;
import dev.switchboard.test.RecordingChannelBinder.Published;
import org.jspecify.annotations.Nullable;

/**
 * The channels of an application under test, all on the in-memory binder: what the application published, and
 * a way to send messages to its {@code @ChannelListener} methods. A bean of tests annotated with
 * {@link AutoConfigureSwitchboardTest}; records are cleared after each test method.
 * <pre class="code">
 * orders.place(new OrderRequest("sku-1", 2));
 * PublishedMessage placed = channels.awaitPublished("orders", 1).get(0);
 * assertThat(placed.payload(OrderPlaced.class).sku()).isEqualTo("sku-1");
 *
 * channels.sendAndAwait("payments", new PaymentReceived("order-1"));
 * assertThat(ledger.paid()).contains("order-1");
 * </pre>
 *
 * @author Switchboard
 */
public final class TestChannels {

	/** How long the await methods without a timeout wait. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private final RecordingChannelBinder binder;

	private final ChannelRegistry registry;

	private final ChannelMessageConverter converter;

	TestChannels(RecordingChannelBinder binder, ChannelRegistry registry, ChannelMessageConverter converter) {
		this.binder = binder;
		this.registry = registry;
		this.converter = converter;
	}

	/**
	 * The messages published on a channel so far, in publication order.
	 * @param channel the channel name, as in {@code @Publish}
	 * @return a snapshot
	 */
	public List<PublishedMessage> published(String channel) {
		String destination = destination(channel);
		synchronized (this.binder.monitor()) {
			List<PublishedMessage> messages = new ArrayList<>();
			for (Published published : this.binder.published()) {
				if (published.destination().name().equals(destination)) {
					messages.add(new PublishedMessage(published.destination(), published.message(), this.converter));
				}
			}
			return messages;
		}
	}

	/**
	 * The payloads published on a channel so far, read as JSON of the given type.
	 * @param <T> the payload type
	 * @param channel the channel name
	 * @param type the payload type
	 * @return the payloads in publication order
	 */
	public <T> List<T> payloads(String channel, Class<T> type) {
		return published(channel).stream().map((message) -> message.payload(type)).toList();
	}

	/**
	 * Waits up to {@link #DEFAULT_TIMEOUT} until at least {@code count} messages were published on a channel.
	 * @param channel the channel name
	 * @param count the number of messages to wait for
	 * @return all messages published on the channel so far (at least {@code count})
	 * @throws AssertionError when fewer were published in time, listing those that were
	 */
	public List<PublishedMessage> awaitPublished(String channel, int count) {
		return awaitPublished(channel, count, DEFAULT_TIMEOUT);
	}

	/**
	 * Waits until at least {@code count} messages were published on a channel.
	 * @param channel the channel name
	 * @param count the number of messages to wait for
	 * @param timeout how long to wait
	 * @return all messages published on the channel so far (at least {@code count})
	 * @throws AssertionError when fewer were published in time, listing those that were
	 */
	public List<PublishedMessage> awaitPublished(String channel, int count, Duration timeout) {
		List<PublishedMessage> messages = await(timeout, () -> {
			List<PublishedMessage> published = published(channel);
			return (published.size() >= count) ? published : null;
		});
		if (messages == null) {
			throw new AssertionError("Expected at least " + count + " message(s) on channel '" + channel
					+ "' within " + timeout + " but " + published(channel).size() + " arrived: " + published(channel));
		}
		return messages;
	}

	/**
	 * Sends a payload to the application's listeners of a channel, as another service publishing on it would.
	 * Test sends are not recorded as published.
	 * @param channel the channel name
	 * @param payload the payload, written as JSON
	 * @return the id of the message sent
	 */
	public String send(String channel, Object payload) {
		return send(channel, payload, null, Map.of());
	}

	/**
	 * Sends a payload with a key and headers to the application's listeners of a channel.
	 * @param channel the channel name
	 * @param payload the payload, written as JSON
	 * @param key the message key, or {@code null}
	 * @param headers additional headers, each value of a type
	 * {@link Message.Builder#header(String, Object)} takes
	 * @return the id of the message sent
	 */
	public String send(String channel, Object payload, @Nullable String key, Map<String, ?> headers) {
		ChannelSettings settings = this.registry.getSettings(channel);
		Message message = this.converter.toMessage(payload, key, headers);
		try {
			this.binder.sendUnrecorded(settings.destination(), message)
				.get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending to channel '" + channel + "'", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Could not send to channel '" + channel + "'", ex);
		}
		return message.getId();
	}

	/**
	 * Sends a payload and waits until a listener has handled it.
	 * @param channel the channel name
	 * @param payload the payload
	 * @return the id of the message sent
	 * @throws AssertionError when no listener handled it within {@link #DEFAULT_TIMEOUT}
	 */
	public String sendAndAwait(String channel, Object payload) {
		String id = send(channel, payload);
		awaitHandled(id, DEFAULT_TIMEOUT);
		return id;
	}

	/**
	 * Waits until a listener returned normally for a message, whichever attempt it was.
	 * @param messageId the message id, as returned by {@code send}
	 * @param timeout how long to wait
	 * @throws AssertionError when no listener handled it in time, with the failed attempts so far
	 */
	public void awaitHandled(String messageId, Duration timeout) {
		Boolean handled = await(timeout, () -> {
			for (Handled record : this.binder.handled()) {
				if (record.messageId().equals(messageId) && record.failure() == null) {
					return Boolean.TRUE;
				}
			}
			return null;
		});
		if (handled == null) {
			AssertionError error = new AssertionError(
					"No listener handled message " + messageId + " within " + timeout + failures(messageId));
			synchronized (this.binder.monitor()) {
				this.binder.handled()
					.stream()
					.filter((record) -> record.messageId().equals(messageId) && record.failure() != null)
					.forEach((record) -> error.addSuppressed(record.failure()));
			}
			throw error;
		}
	}

	/**
	 * Forgets what was published and handled so far; called after each test method.
	 */
	public void clear() {
		this.binder.clear();
	}

	private String failures(String messageId) {
		synchronized (this.binder.monitor()) {
			long failed = this.binder.handled()
				.stream()
				.filter((record) -> record.messageId().equals(messageId) && record.failure() != null)
				.count();
			return (failed > 0) ? " (" + failed + " failed attempt(s), attached as suppressed exceptions)"
					: " (no listener was invoked)";
		}
	}

	private String destination(String channel) {
		return this.registry.getSettings(channel).destination().name();
	}

	private <T> @Nullable T await(Duration timeout, Supplier<@Nullable T> condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		Object monitor = this.binder.monitor();
		synchronized (monitor) {
			while (true) {
				T result = condition.get();
				if (result != null) {
					return result;
				}
				long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
				if (remaining <= 0) {
					return null;
				}
				try {
					monitor.wait(remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return null;
				}
			}
		}
	}

}
