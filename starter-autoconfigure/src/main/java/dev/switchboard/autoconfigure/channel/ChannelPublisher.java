package dev.switchboard.autoconfigure.channel;

import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.switchboard.core.channel.ChannelBinder;
import dev.switchboard.core.channel.Message;
import org.jspecify.annotations.Nullable;

/**
 * Publishes payloads on channels: converts them to JSON messages and hands them to each channel's binder.
 * {@code @ChannelClient} proxies call it; applications may too, for channels chosen at run time.
 *
 * @author Switchboard
 */
public class ChannelPublisher {

	private final ChannelRegistry registry;

	private final ChannelMessageConverter converter;

	/**
	 * Creates a publisher.
	 * @param registry resolves channels to settings and binders
	 * @param converter writes and reads payloads
	 */
	public ChannelPublisher(ChannelRegistry registry, ChannelMessageConverter converter) {
		this.registry = registry;
		this.converter = converter;
	}

	/**
	 * Publishes a payload.
	 * @param channel the channel
	 * @param payload the payload
	 * @param key the key, or {@code null}
	 * @param headers additional headers
	 * @return a future completed when the binder acknowledged the message
	 */
	public CompletableFuture<Void> publish(String channel, Object payload, @Nullable String key,
			Map<String, String> headers) {
		ChannelSettings settings = this.registry.getSettings(channel);
		ChannelBinder binder = this.registry.getBinder(settings);
		return binder.send(settings.destination(), this.converter.toMessage(payload, key, headers));
	}

	/**
	 * Publishes a request and reads the reply.
	 * @param channel the channel
	 * @param payload the payload
	 * @param key the key, or {@code null}
	 * @param headers additional headers
	 * @param replyType the type to read the reply as
	 * @return a future completed with the reply, or exceptionally with a
	 * {@link dev.switchboard.core.channel.ReplyTimeoutException} after the channel's request-timeout
	 */
	public CompletableFuture<@Nullable Object> request(String channel, Object payload, @Nullable String key,
			Map<String, String> headers, Type replyType) {
		ChannelSettings settings = this.registry.getSettings(channel);
		ChannelBinder binder = this.registry.getBinder(settings);
		Message request = this.converter.toMessage(payload, key, headers);
		return binder.request(settings.destination(), request, settings.requestTimeout())
			.thenApply((reply) -> this.converter.fromMessage(reply, replyType));
	}

	/**
	 * The registry this publisher resolves channels with.
	 * @return the registry
	 */
	public ChannelRegistry getRegistry() {
		return this.registry;
	}

}
