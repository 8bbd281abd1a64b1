package dev.switchboard.autoconfigure.channel;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.switchboard.core.annotation.ChannelClient;
import org.jspecify.annotations.Nullable;

/**
 * Creates the proxies behind {@link ChannelClient} interfaces. Every method is parsed and its channel resolved
 * when the proxy is created, so a wrong signature or channel configuration fails at startup.
 *
 * @author Switchboard
 */
public class ChannelClientFactory {

	private final ChannelPublisher publisher;

	/**
	 * Creates a factory.
	 * @param publisher publishes for the proxies
	 */
	public ChannelClientFactory(ChannelPublisher publisher) {
		this.publisher = publisher;
	}

	/**
	 * Creates a client.
	 * @param <T> the interface type
	 * @param type the interface, its abstract methods annotated with {@code @Publish}
	 * @return the client
	 * @throws IllegalStateException when a method cannot be published
	 */
	public <T> T createClient(Class<T> type) {
		if (!type.isInterface()) {
			throw new IllegalStateException("@ChannelClient " + type.getName() + " must be an interface");
		}
		Map<Method, PublishMethod> methods = new LinkedHashMap<>();
		for (Method method : type.getMethods()) {
			if (!method.isDefault() && !Modifier.isStatic(method.getModifiers())) {
				methods.put(method, PublishMethod.parse(type, method, this.publisher.getRegistry()));
			}
		}
		Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
				new ClientInvocationHandler(type, methods, this.publisher));
		return type.cast(proxy);
	}

	private record ClientInvocationHandler(Class<?> type, Map<Method, PublishMethod> methods,
			ChannelPublisher publisher) implements InvocationHandler {

		@Override
		public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
			PublishMethod publishMethod = this.methods.get(method);
			if (publishMethod != null) {
				return publishMethod.invoke(this.publisher, (args != null) ? args : new Object[0]);
			}
			if (method.isDefault()) {
				return InvocationHandler.invokeDefault(proxy, method, args);
			}
			return switch (method.getName()) {
				case "equals" -> proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				case "toString" -> "ChannelClient[" + this.type.getName() + "]";
				default -> throw new IllegalStateException("Unexpected method " + method);
			};
		}

	}

}
