package dev.switchboard.autoconfigure.channel;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import dev.switchboard.core.annotation.MessageHeader;
import dev.switchboard.core.annotation.MessageKey;
import dev.switchboard.core.annotation.Publish;
import dev.switchboard.core.channel.ChannelPublishException;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageNotPublishedException;
import dev.switchboard.core.channel.PublishOutcomeUnknownException;
import dev.switchboard.core.channel.ReplyTimeoutException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * One {@code @Publish} method, parsed once: which argument is the payload, the key and each header, and how the
 * result is returned.
 *
 * @author Switchboard
 */
final class PublishMethod {

	private final String description;

	private final ChannelSettings settings;

	private final Kind kind;

	private final @Nullable Type replyType;

	private final int payloadIndex;

	private final int keyIndex;

	private final Map<String, Integer> headerIndexes;

	private PublishMethod(String description, ChannelSettings settings, Kind kind, @Nullable Type replyType,
			int payloadIndex, int keyIndex, Map<String, Integer> headerIndexes) {
		this.description = description;
		this.settings = settings;
		this.kind = kind;
		this.replyType = replyType;
		this.payloadIndex = payloadIndex;
		this.keyIndex = keyIndex;
		this.headerIndexes = headerIndexes;
	}

	static PublishMethod parse(Class<?> type, Method method, ChannelRegistry registry) {
		String description = describe(type, method);
		Publish publish = AnnotatedElementUtils.findMergedAnnotation(method, Publish.class);
		if (publish == null) {
			throw invalid(description, "the method is not annotated with @Publish; every abstract method of a"
					+ " @ChannelClient interface publishes on a channel");
		}
		if (publish.channel().isBlank()) {
			throw invalid(description, "@Publish names no channel");
		}
		int payloadIndex = -1;
		int keyIndex = -1;
		Map<String, Integer> headerIndexes = new LinkedHashMap<>();
		Parameter[] parameters = method.getParameters();
		for (int i = 0; i < parameters.length; i++) {
			Parameter parameter = parameters[i];
			MessageKey key = parameter.getAnnotation(MessageKey.class);
			MessageHeader header = parameter.getAnnotation(MessageHeader.class);
			if (key != null && header != null) {
				throw invalid(description, parameter(i, parameter) + " is annotated with both @MessageKey and"
						+ " @MessageHeader");
			}
			if (key != null) {
				if (keyIndex >= 0) {
					throw invalid(description, parameter(i, parameter) + " is a second @MessageKey parameter");
				}
				keyIndex = i;
			}
			else if (header != null) {
				if (header.value().isBlank()) {
					throw invalid(description, parameter(i, parameter) + " names no header in @MessageHeader");
				}
				if (headerIndexes.putIfAbsent(header.value(), i) != null) {
					throw invalid(description, parameter(i, parameter) + " repeats header '" + header.value() + "'");
				}
			}
			else {
				if (payloadIndex >= 0) {
					throw invalid(description, parameter(i, parameter) + " is a second payload (parameter #"
							+ (payloadIndex + 1) + " is the first); annotate keys with @MessageKey and headers with"
							+ " @MessageHeader");
				}
				payloadIndex = i;
			}
		}
		if (payloadIndex < 0) {
			throw invalid(description, "no parameter is the payload");
		}
		Kind kind;
		Type replyType = null;
		Class<?> returnType = method.getReturnType();
		if (returnType == void.class || returnType == Void.class) {
			kind = Kind.SEND;
		}
		else if (returnType == CompletableFuture.class) {
			Type genericReturnType = method.getGenericReturnType();
			if (!(genericReturnType instanceof ParameterizedType parameterized)
					|| parameterized.getActualTypeArguments()[0] instanceof java.lang.reflect.WildcardType
					|| parameterized.getActualTypeArguments()[0] instanceof java.lang.reflect.TypeVariable) {
				throw invalid(description, "the return type " + genericReturnType + " is ambiguous; declare"
						+ " CompletableFuture<Void> to publish or CompletableFuture<T> for a reply of type T");
			}
			Type argument = parameterized.getActualTypeArguments()[0];
			kind = (argument == Void.class) ? Kind.SEND_ASYNC : Kind.REQUEST_ASYNC;
			replyType = (argument == Void.class) ? null : argument;
		}
		else if (Future.class.isAssignableFrom(returnType)) {
			throw invalid(description,
					"the return type " + returnType.getName() + " is not supported; use CompletableFuture");
		}
		else {
			kind = Kind.REQUEST;
			replyType = method.getGenericReturnType();
		}
		ChannelSettings settings = registry.getSettings(publish.channel());
		registry.getBinder(settings);
		return new PublishMethod(description, settings, kind, replyType, payloadIndex, keyIndex,
				Map.copyOf(headerIndexes));
	}

	@Nullable Object invoke(ChannelPublisher publisher, Object[] args) {
		Object payload = args[this.payloadIndex];
		if (payload == null) {
			throw new IllegalArgumentException("The payload of " + this.description + " must not be null");
		}
		String key = (this.keyIndex >= 0 && args[this.keyIndex] != null) ? args[this.keyIndex].toString() : null;
		Map<String, Object> headers = new LinkedHashMap<>();
		this.headerIndexes.forEach((name, index) -> {
			Object value = args[index];
			if (value != null) {
				// Header value types travel typed where the binder can; anything else as its text, as before.
				headers.put(name, Message.isHeaderType(value.getClass()) ? value : value.toString());
			}
		});
		String channel = this.settings.channel();
		return switch (this.kind) {
			case SEND -> {
				await(publisher.publish(channel, payload, key, headers), "acknowledgement");
				yield null;
			}
			case SEND_ASYNC -> publisher.publish(channel, payload, key, headers);
			case REQUEST -> await(publisher.request(channel, payload, key, headers, replyType()), "reply");
			case REQUEST_ASYNC -> publisher.request(channel, payload, key, headers, replyType());
		};
	}

	private Type replyType() {
		if (this.replyType == null) {
			throw new IllegalStateException("No reply type for " + this.description);
		}
		return this.replyType;
	}

	private <T> T await(CompletableFuture<T> future, String awaited) {
		// The binder completes a publish by its deadline and times requests out itself; the extra second only
		// guards against a binder that breaks that promise.
		long timeoutMillis = this.settings.requestTimeout().toMillis() + 1000;
		try {
			return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ChannelPublishException("Interrupted while waiting for the " + awaited + " of "
					+ this.description, ex);
		}
		catch (TimeoutException ex) {
			future.cancel(false);
			if (this.kind == Kind.REQUEST) {
				throw new ReplyTimeoutException(this.settings.destination(), this.settings.requestTimeout());
			}
			throw new ChannelPublishException("Binder '" + this.settings.binder().id() + "' did not complete the"
					+ " publish of " + this.description + " by its deadline (request-timeout "
					+ this.settings.requestTimeout().toMillis() + " ms): its outcome is unknown", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			if (cause instanceof ReplyTimeoutException timeout) {
				// A new instance so that the stack trace shows the caller.
				ReplyTimeoutException rethrown = new ReplyTimeoutException(timeout.getDestination(),
						timeout.getTimeout());
				rethrown.addSuppressed(timeout);
				throw rethrown;
			}
			String what = (this.kind == Kind.REQUEST) ? "Request of " : "Publish of ";
			// The same type as the binder's, so that callers can tell "not published" from "unknown".
			if (cause instanceof MessageNotPublishedException notPublished) {
				throw new MessageNotPublishedException(what + this.description + ": " + cause.getMessage(),
						notPublished.getMessageId(), cause);
			}
			if (cause instanceof PublishOutcomeUnknownException unknown) {
				throw new PublishOutcomeUnknownException(what + this.description + ": " + cause.getMessage(),
						Objects.requireNonNull(unknown.getMessageId()), cause);
			}
			String messageId = (cause instanceof ChannelPublishException failed) ? failed.getMessageId() : null;
			throw new ChannelPublishException(what + this.description + " failed on binder '"
					+ this.settings.binder().id() + "': " + cause, messageId, cause);
		}
	}

	private static String describe(Class<?> type, Method method) {
		return type.getName() + "." + method.getName() + Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(Collectors.joining(", ", "(", ")"));
	}

	private static String parameter(int index, Parameter parameter) {
		return "parameter #" + (index + 1) + " (" + parameter.getType().getSimpleName() + " " + parameter.getName()
				+ ")";
	}

	private static IllegalStateException invalid(String description, String problem) {
		return new IllegalStateException("Invalid @Publish method " + description + ": " + problem);
	}

	@Override
	public String toString() {
		return this.description + " -> " + this.settings.destination() + " (" + this.kind + ")";
	}

	private enum Kind {

		/** Wait for the acknowledgement. */
		SEND,

		/** Return the acknowledgement as a future. */
		SEND_ASYNC,

		/** Wait for the reply. */
		REQUEST,

		/** Return the reply as a future. */
		REQUEST_ASYNC

	}

}
