package dev.switchboard.autoconfigure.channel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.annotation.MessageHeader;
import dev.switchboard.core.annotation.MessageKey;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.MessageHandler;
import dev.switchboard.core.channel.UnreadableMessageException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.Nullness;
import org.springframework.util.ReflectionUtils;

/**
 * One {@code @ChannelListener} method, parsed once: how each parameter is filled from a delivery, and whether
 * the return value is a reply. Also the {@link MessageHandler} that calls it.
 *
 * @author Switchboard
 */
final class ListenerMethod implements MessageHandler {

	private static final Log logger = LogFactory.getLog(ListenerMethod.class);

	private final Object bean;

	private final Method method;

	private final String description;

	private final String channel;

	private final @Nullable String group;

	private final Argument[] arguments;

	private final boolean replies;

	private final ChannelMessageConverter converter;

	private final boolean skipsTombstones;

	private final AtomicBoolean tombstoneLogged = new AtomicBoolean();

	private ListenerMethod(Object bean, Method method, String description, String channel, @Nullable String group,
			Argument[] arguments, boolean replies, ChannelMessageConverter converter, boolean skipsTombstones) {
		this.bean = bean;
		this.method = method;
		this.description = description;
		this.channel = channel;
		this.group = group;
		this.arguments = arguments;
		this.replies = replies;
		this.converter = converter;
		this.skipsTombstones = skipsTombstones;
	}

	static ListenerMethod parse(Object bean, Class<?> targetClass, Method method, ChannelListener annotation,
			ChannelMessageConverter converter) {
		String description = targetClass.getName() + "." + method.getName() + Arrays
			.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(Collectors.joining(", ", "(", ")"));
		if (annotation.channel().isBlank()) {
			throw invalid(description, "@ChannelListener names no channel");
		}
		Parameter[] parameters = method.getParameters();
		Type[] genericTypes = method.getGenericParameterTypes();
		Argument[] arguments = new Argument[parameters.length];
		int payloadIndex = -1;
		boolean rawMessage = false;
		boolean nullablePayload = false;
		for (int i = 0; i < parameters.length; i++) {
			Parameter parameter = parameters[i];
			MessageKey key = parameter.getAnnotation(MessageKey.class);
			MessageHeader header = parameter.getAnnotation(MessageHeader.class);
			if (key != null || header != null) {
				if (key != null && header != null) {
					throw invalid(description, parameter(i, parameter) + " is annotated with both @MessageKey and"
							+ " @MessageHeader");
				}
				if (key != null && !parameter.getType().isAssignableFrom(String.class)) {
					throw invalid(description, parameter(i, parameter) + " must be a String to receive the message"
							+ " key");
				}
				if (header != null && header.value().isBlank()) {
					throw invalid(description, parameter(i, parameter) + " names no header in @MessageHeader");
				}
				if (header != null && parameter.getType() != Object.class
						&& !Message.isHeaderType(parameter.getType())) {
					throw invalid(description, parameter(i, parameter) + " cannot receive header '" + header.value()
							+ "'; a @MessageHeader parameter is Object, String, Boolean, Integer, Long, Short, Byte,"
							+ " Double, Float, BigDecimal, byte[] or a primitive of one");
				}
				arguments[i] = (key != null) ? (message, context) -> message.getKey()
						: headerArgument(description, i, parameter, header.value());
			}
			else if (parameter.getType() == MessageContext.class) {
				arguments[i] = (message, context) -> context;
			}
			else if (parameter.getType() == Message.class) {
				rawMessage = true;
				arguments[i] = (message, context) -> message;
			}
			else {
				if (payloadIndex >= 0) {
					throw invalid(description, parameter(i, parameter) + " is a second payload (parameter #"
							+ (payloadIndex + 1) + " is the first); besides one payload a listener takes only a"
							+ " MessageContext, a Message, a @MessageKey String and @MessageHeader parameters");
				}
				payloadIndex = i;
				Type payloadType = genericTypes[i];
				// A tombstone (a Kafka record without a value) reaches only a payload declared nullable, as null.
				nullablePayload = Nullness.forParameter(parameter) == Nullness.NULLABLE;
				arguments[i] = (message, context) -> message.isTombstone() ? null
						: converter.fromMessage(message, payloadType);
			}
		}
		if (payloadIndex < 0 && !rawMessage) {
			throw invalid(description, "no parameter is the payload");
		}
		Class<?> returnType = method.getReturnType();
		if (Future.class.isAssignableFrom(returnType)) {
			throw invalid(description, "the return type " + returnType.getName() + " is not supported; a listener"
					+ " replies synchronously, so return the reply itself");
		}
		boolean replies = returnType != void.class && returnType != Void.class;
		Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		ReflectionUtils.makeAccessible(invocable);
		String group = annotation.group().isBlank() ? null : annotation.group();
		boolean skipsTombstones = payloadIndex >= 0 && !nullablePayload;
		return new ListenerMethod(bean, invocable, description, annotation.channel(), group, arguments, replies,
				converter, skipsTombstones);
	}

	String channel() {
		return this.channel;
	}

	@Nullable String group() {
		return this.group;
	}

	@Override
	public @Nullable Message handle(Message message, MessageContext context) throws Exception {
		if (message.isTombstone() && this.skipsTombstones) {
			// A delete marker on a compacted topic is no event for a listener that cannot take a null payload:
			// acknowledge it rather than dead-letter it as unreadable. Logged once, as it may recur on every key.
			if (logger.isDebugEnabled() && this.tombstoneLogged.compareAndSet(false, true)) {
				logger.debug("Skipping tombstone " + message.getId() + " (key " + message.getKey() + ") and later ones"
						+ " for " + this.description + ": declare its payload parameter @Nullable to receive them");
			}
			return null;
		}
		// Payload conversion runs first and alone may throw UnreadableMessageException: that one skips retries.
		Object[] args = new Object[this.arguments.length];
		for (int i = 0; i < args.length; i++) {
			args[i] = this.arguments[i].resolve(message, context);
		}
		Object result;
		try {
			result = this.method.invoke(this.bean, args);
		}
		catch (InvocationTargetException ex) {
			Throwable target = ex.getTargetException();
			if (target instanceof Exception exception) {
				throw exception;
			}
			if (target instanceof Error error) {
				throw error;
			}
			throw ex;
		}
		return (this.replies && result != null) ? this.converter.toMessage(result, null, Map.of()) : null;
	}

	private static Argument headerArgument(String description, int index, Parameter parameter, String name) {
		Class<?> type = parameter.getType();
		return (message, context) -> {
			Object value;
			try {
				value = message.getHeader(name, type);
			}
			catch (IllegalArgumentException ex) {
				// The same header fails every attempt alike: unreadable, so no retries.
				throw new UnreadableMessageException("Cannot read " + parameter(index, parameter) + " of "
						+ description + ": " + ex.getMessage(), ex);
			}
			if (value == null && type.isPrimitive()) {
				throw new UnreadableMessageException("Cannot read " + parameter(index, parameter) + " of "
						+ description + ": message " + message.getId() + " has no header '" + name + "'; declare"
						+ " the parameter " + type.getSimpleName() + "'s wrapper type to receive null",
						new IllegalArgumentException("missing header '" + name + "'"));
			}
			return value;
		};
	}

	private static String parameter(int index, Parameter parameter) {
		return "parameter #" + (index + 1) + " (" + parameter.getType().getSimpleName() + " " + parameter.getName()
				+ ")";
	}

	private static IllegalStateException invalid(String description, String problem) {
		return new IllegalStateException("Invalid @ChannelListener method " + description + ": " + problem);
	}

	@Override
	public String toString() {
		return this.description;
	}

	@FunctionalInterface
	private interface Argument {

		@Nullable Object resolve(Message message, MessageContext context);

	}

}
