package dev.switchboard.autoconfigure.channel;

import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.switchboard.autoconfigure.observation.MessagePublishObservationContext;
import dev.switchboard.autoconfigure.observation.SwitchboardObservations;
import dev.switchboard.autoconfigure.propagation.PropagatedHeaders;
import dev.switchboard.core.channel.ChannelBinder;
import dev.switchboard.core.channel.Message;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * Publishes payloads on channels: converts them to JSON messages and hands them to each channel's binder.
 * {@code @ChannelClient} proxies call it; applications may too, for channels chosen at run time.
 * <p>
 * Each message carries the propagated headers of the request being handled, and is observed as
 * {@code switchboard.channel.publish}, whose tracing handlers write the trace context into its headers.
 *
 * @author Switchboard
 */
public class ChannelPublisher {

	private final ChannelRegistry registry;

	private final ChannelMessageConverter converter;

	private final SwitchboardObservations observations;

	private final PropagatedHeaders propagatedHeaders;

	private final @Nullable MessageOutbox outbox;

	/**
	 * Creates a publisher that neither observes nor propagates headers.
	 * @param registry resolves channels to settings and binders
	 * @param converter writes and reads payloads
	 */
	public ChannelPublisher(ChannelRegistry registry, ChannelMessageConverter converter) {
		this(registry, converter, SwitchboardObservations.NOOP, PropagatedHeaders.NONE);
	}

	/**
	 * Creates a publisher.
	 * @param registry resolves channels to settings and binders
	 * @param converter writes and reads payloads
	 * @param observations observes published messages
	 * @param propagatedHeaders the incoming headers every message carries
	 */
	public ChannelPublisher(ChannelRegistry registry, ChannelMessageConverter converter,
			SwitchboardObservations observations, PropagatedHeaders propagatedHeaders) {
		this(registry, converter, observations, propagatedHeaders, null);
	}

	/**
	 * Creates a publisher that stores the messages of outbox channels instead of sending them.
	 * @param registry resolves channels to settings and binders
	 * @param converter writes and reads payloads
	 * @param observations observes published messages
	 * @param propagatedHeaders the incoming headers every message carries
	 * @param outbox stores the messages of channels with {@code outbox.enabled}, or {@code null} for none
	 */
	public ChannelPublisher(ChannelRegistry registry, ChannelMessageConverter converter,
			SwitchboardObservations observations, PropagatedHeaders propagatedHeaders, @Nullable MessageOutbox outbox) {
		this.registry = registry;
		this.converter = converter;
		this.observations = observations;
		this.propagatedHeaders = propagatedHeaders;
		this.outbox = outbox;
	}

	/**
	 * Publishes a payload.
	 * @param channel the channel
	 * @param payload the payload
	 * @param key the key, or {@code null}
	 * @param headers additional headers, each value of a type {@link Message.Builder#header(String, Object)}
	 * takes; they keep their types where the binder can carry them
	 * @return a future completed when the binder acknowledged the message, or by the channel's
	 * {@code request-timeout} at the latest: exceptionally with a
	 * {@link dev.switchboard.core.channel.MessageNotPublishedException} (never published) or a
	 * {@link dev.switchboard.core.channel.PublishOutcomeUnknownException} (handed to the broker, not confirmed);
	 * on a channel with {@code outbox.enabled}, completed when the message is stored in the caller's transaction
	 */
	public CompletableFuture<Void> publish(String channel, Object payload, @Nullable String key,
			Map<String, ?> headers) {
		ChannelSettings settings = this.registry.getSettings(channel);
		ChannelBinder binder = this.registry.getBinder(settings);
		Message message = this.converter.toMessage(payload, key, withPropagated(headers));
		MessageOutbox outbox = this.outbox;
		if (outbox != null && outbox.isEnabled(channel)) {
			// Observed here too, so that the stored headers carry the trace context of the transaction's span.
			return observed(settings, binder, message, (observed) -> outbox.store(settings, observed));
		}
		return observed(settings, binder, message, (observed) -> binder.send(settings.destination(), observed,
				settings.requestTimeout()));
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
			Map<String, ?> headers, Type replyType) {
		ChannelSettings settings = this.registry.getSettings(channel);
		ChannelBinder binder = this.registry.getBinder(settings);
		Message request = this.converter.toMessage(payload, key, withPropagated(headers));
		return observed(settings, binder, request,
				(observed) -> binder.request(settings.destination(), observed, settings.requestTimeout()))
			.thenApply((reply) -> this.converter.fromMessage(reply, replyType));
	}

	private Map<String, ?> withPropagated(Map<String, ?> headers) {
		Map<String, String> propagated = this.propagatedHeaders.current();
		if (propagated.isEmpty()) {
			return headers;
		}
		// Headers the caller passes win over propagated ones.
		Map<String, Object> all = new LinkedHashMap<>(propagated);
		all.putAll(headers);
		return all;
	}

	private <T> CompletableFuture<T> observed(ChannelSettings settings, ChannelBinder binder, Message message,
			Function<Message, CompletableFuture<T>> send) {
		if (!this.observations.isEnabled()) {
			return send.apply(message);
		}
		Message.Builder builder = message.mutate();
		MessagePublishObservationContext context = new MessagePublishObservationContext(builder, settings.channel(),
				binder.name(), settings.destination().name());
		context.setMessageId(message.getId());
		// Starting the observation writes the trace context into the builder's headers.
		Observation observation = this.observations.publish(context).start();
		CompletableFuture<T> result;
		try (Observation.Scope scope = observation.openScope()) {
			result = send.apply(builder.build());
		}
		catch (RuntimeException ex) {
			context.setOutcome("FAILURE");
			observation.error(ex);
			observation.stop();
			throw ex;
		}
		return result.whenComplete((value, failure) -> {
			context.setOutcome((failure != null) ? "FAILURE" : "SUCCESS");
			if (failure != null) {
				observation.error(failure);
			}
			observation.stop();
		});
	}

	/**
	 * The registry this publisher resolves channels with.
	 * @return the registry
	 */
	public ChannelRegistry getRegistry() {
		return this.registry;
	}

}
