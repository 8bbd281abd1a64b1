package dev.switchboard.autoconfigure.client;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.client.ClientSettings.MethodSettings;
import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.core.annotation.CallTimeout;
import dev.switchboard.core.resilience.Idempotency;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.StringUtils;
import org.springframework.web.service.annotation.HttpExchange;

/**
 * The {@link MethodPolicy} of every method of a client's interfaces, parsed and checked once at startup.
 *
 * @author Switchboard
 */
public final class MethodPolicies {

	private final Map<Method, MethodPolicy> policies;

	private MethodPolicies(Map<Method, MethodPolicy> policies) {
		this.policies = policies;
	}

	/**
	 * No method policies: a client without interfaces (generated gRPC stubs only).
	 * @return the empty policies
	 */
	public static MethodPolicies none() {
		return new MethodPolicies(Map.of());
	}

	/**
	 * Works out the policies of a client's interface methods.
	 * @param settings the client's settings
	 * @param interfaces the client's interfaces
	 * @return the policies
	 * @throws InvalidSwitchboardPropertyException if configuration names a method the interfaces lack
	 * @throws IllegalStateException if an annotation holds a bad value (the message names interface and method)
	 */
	public static MethodPolicies of(ClientSettings settings, Collection<Class<?>> interfaces) {
		Map<Method, MethodPolicy> policies = new LinkedHashMap<>();
		Set<String> names = new TreeSet<>();
		for (Class<?> type : interfaces) {
			for (Method method : type.getMethods()) {
				if (Modifier.isStatic(method.getModifiers()) || method.isDefault()) {
					continue;
				}
				names.add(method.getName());
				policies.put(method, policy(settings, type, method));
			}
		}
		for (String configured : settings.methods().keySet()) {
			if (!names.contains(configured)) {
				throw new InvalidSwitchboardPropertyException(
						"switchboard.clients." + settings.name() + ".methods." + configured, configured,
						"no method of the client's interfaces has that name", String.join(", ", names));
			}
		}
		return new MethodPolicies(Map.copyOf(policies));
	}

	private static MethodPolicy policy(ClientSettings settings, Class<?> type, Method method) {
		HttpExchange exchange = AnnotatedElementUtils.findMergedAnnotation(method, HttpExchange.class);
		String httpMethod = (exchange != null && StringUtils.hasText(exchange.method())) ? exchange.method() : "GET";
		boolean idempotent = Idempotency.isIdempotent(method, httpMethod);
		MethodSettings configured = settings.methods().get(method.getName());
		Duration timeout = (configured != null && configured.timeout() != null) ? configured.timeout()
				: annotatedTimeout(type, method);
		return new MethodPolicy(method.getName(), httpMethod, idempotent, timeout,
				hedged(settings, method.getName(), idempotent));
	}

	/**
	 * Whether the calls of a method are hedged, over every protocol: only idempotent ones, by the method's own
	 * switch ({@code switchboard.clients.<name>.methods.<method>.hedge}), else the client's
	 * ({@code switchboard.clients.<name>.hedge.enabled}).
	 * @param settings the client's settings
	 * @param methodName the method's name: the Java method of an interface, the bare name of a gRPC stub method
	 * @param idempotent whether the method's calls may be repeated
	 * @return whether slow attempts are hedged on another instance
	 */
	public static boolean hedged(ClientSettings settings, String methodName, boolean idempotent) {
		if (!idempotent) {
			return false;
		}
		MethodSettings configured = settings.methods().get(methodName);
		return (configured != null && configured.hedge() != null) ? configured.hedge() : settings.hedge().enabled();
	}

	private static @Nullable Duration annotatedTimeout(Class<?> type, Method method) {
		CallTimeout annotation = AnnotatedElementUtils.findMergedAnnotation(method, CallTimeout.class);
		if (annotation == null) {
			return null;
		}
		try {
			Duration timeout = DurationStyle.detectAndParse(annotation.value());
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException("must be positive");
			}
			return timeout;
		}
		catch (IllegalArgumentException | DateTimeParseException ex) {
			throw new IllegalStateException("@CallTimeout(\"" + annotation.value() + "\") on " + type.getName() + "."
					+ method.getName() + " is not a positive duration such as 300ms or 2s", ex);
		}
	}

	/**
	 * The policy of a method.
	 * @param method an interface method
	 * @return its policy, or {@code null} if the method is not one of the client's
	 */
	public @Nullable MethodPolicy get(Method method) {
		return this.policies.get(method);
	}

	/**
	 * All policies.
	 * @return method to policy
	 */
	public Map<Method, MethodPolicy> asMap() {
		return this.policies;
	}

}
