package dev.switchboard.autoconfigure.client.grpc;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.grpc.Channel;
import io.grpc.stub.AbstractStub;

import org.springframework.util.ReflectionUtils;

/**
 * Creates the stubs {@code @GrpcClient} injects: any generated stub type, made by the static factory method of
 * its enclosing {@code *Grpc} class that takes a {@link Channel} and returns that type ({@code newBlockingStub},
 * {@code newFutureStub}, {@code newStub}, {@code newBlockingV2Stub}, ...), or the channel itself.
 *
 * @author Switchboard
 */
final class GrpcStubs {

	private final Map<Class<?>, Method> factories = new ConcurrentHashMap<>();

	/**
	 * Whether a type can be injected with {@code @GrpcClient}.
	 * @param type the declared type of the injection point
	 * @return whether it is a stub or channel type
	 */
	static boolean isInjectable(Class<?> type) {
		return AbstractStub.class.isAssignableFrom(type) || type.isAssignableFrom(io.grpc.ManagedChannel.class);
	}

	/**
	 * A stub of the given type on a channel.
	 * @param type the stub type, or a channel type
	 * @param channel the client's channel
	 * @param injectionPoint the field or parameter, for errors
	 * @return the stub
	 */
	Object create(Class<?> type, io.grpc.ManagedChannel channel, String injectionPoint) {
		if (type.isInstance(channel)) {
			return channel;
		}
		Method factory = this.factories.computeIfAbsent(type, (stubType) -> findFactory(stubType, injectionPoint));
		return ReflectionUtils.invokeMethod(factory, null, channel);
	}

	private static Method findFactory(Class<?> stubType, String injectionPoint) {
		Class<?> enclosing = stubType.getEnclosingClass();
		if (AbstractStub.class.isAssignableFrom(stubType) && enclosing != null) {
			for (Method method : enclosing.getMethods()) {
				if (Modifier.isStatic(method.getModifiers()) && method.getReturnType() == stubType
						&& method.getParameterCount() == 1 && method.getParameterTypes()[0] == Channel.class) {
					return method;
				}
			}
		}
		throw new IllegalStateException("Cannot inject " + injectionPoint + " with @GrpcClient: " + stubType.getName()
				+ " is not a generated gRPC stub with a static factory method taking a Channel in its enclosing *Grpc "
				+ "class (inject a stub such as FooGrpc.FooBlockingStub, or io.grpc.Channel)");
	}

}
