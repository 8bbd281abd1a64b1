package dev.switchboard.autoconfigure.client;

import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.function.SingletonSupplier;

/**
 * What guards service client calls: the application's {@link ServiceCallDecorator}, if any, and the fallback
 * bean each {@code @ServiceClient} interface names.
 *
 * @author Switchboard
 */
public final class ServiceClientGuards {

	private final @Nullable ServiceCallDecorator decorator;

	private final Function<Class<?>, Object> beans;

	/**
	 * Creates the guards.
	 * @param decorator the call decorator, or {@code null}
	 * @param beans looks up a bean by type (the fallbacks, on their first use)
	 */
	public ServiceClientGuards(@Nullable ServiceCallDecorator decorator, Function<Class<?>, Object> beans) {
		this.decorator = decorator;
		this.beans = beans;
	}

	/**
	 * The call decorator.
	 * @return the decorator, or {@code null}
	 */
	public @Nullable ServiceCallDecorator decorator() {
		return this.decorator;
	}

	/**
	 * The fallback of a client interface, looked up on first use so that it may depend on the client itself.
	 * @param clientInterface the {@code @ServiceClient} interface
	 * @return supplies the fallback bean, or {@code null} if the interface names none
	 * @throws IllegalStateException if the fallback type does not implement the interface
	 */
	public @Nullable Supplier<Object> fallback(Class<?> clientInterface) {
		MergedAnnotation<ServiceClient> annotation = MergedAnnotations.from(clientInterface).get(ServiceClient.class);
		if (!annotation.isPresent()) {
			return null;
		}
		Class<?> fallbackType = annotation.getClass("fallback");
		if (fallbackType == void.class) {
			return null;
		}
		if (!clientInterface.isAssignableFrom(fallbackType)) {
			throw new IllegalStateException("The fallback " + fallbackType.getName() + " of @ServiceClient interface "
					+ clientInterface.getName() + " does not implement it");
		}
		return SingletonSupplier.of(() -> this.beans.apply(fallbackType));
	}

}
