package dev.switchboard.core.resilience;

import java.lang.reflect.Method;
import java.util.Objects;
import java.util.Set;

import dev.switchboard.core.annotation.Idempotent;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Decides whether a call may be repeated: retried on another instance after a failure, or hedged. Only
 * idempotent calls are, because a failed attempt may still have taken effect.
 *
 * @author Switchboard
 */
public final class Idempotency {

	// RFC 9110 section 9.2.2; method names are case-sensitive.
	private static final Set<String> IDEMPOTENT_METHODS = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS",
			"TRACE");

	private Idempotency() {
	}

	/**
	 * Whether an HTTP method is idempotent by definition (RFC 9110): {@code GET}, {@code HEAD}, {@code PUT},
	 * {@code DELETE}, {@code OPTIONS} and {@code TRACE}. Method names are case-sensitive.
	 * @param httpMethod the HTTP method name
	 * @return {@code true} if repeating the request has the same effect as sending it once
	 */
	public static boolean isIdempotent(String httpMethod) {
		Objects.requireNonNull(httpMethod, "httpMethod");
		return IDEMPOTENT_METHODS.contains(httpMethod);
	}

	/**
	 * Whether calls of a client method may be repeated. An {@link Idempotent @Idempotent} on the method decides
	 * first, then one on the type that declares it (both found through meta-annotations and inherited
	 * interfaces), and otherwise the HTTP method does, as in {@link #isIdempotent(String)}. So
	 * {@code @Idempotent} makes a {@code POST} repeatable and {@code @Idempotent(false)} on a method opts it out
	 * of a type-level declaration or of its HTTP method's rule.
	 * @param method the client interface method
	 * @param httpMethod the HTTP method the call uses
	 * @return {@code true} if calls of {@code method} may be repeated
	 */
	public static boolean isIdempotent(Method method, String httpMethod) {
		Objects.requireNonNull(method, "method");
		Idempotent declared = find(method);
		return (declared != null) ? declared.value() : isIdempotent(httpMethod);
	}

	private static @Nullable Idempotent find(Method method) {
		Idempotent onMethod = AnnotatedElementUtils.findMergedAnnotation(method, Idempotent.class);
		if (onMethod != null) {
			return onMethod;
		}
		return AnnotatedElementUtils.findMergedAnnotation(method.getDeclaringClass(), Idempotent.class);
	}

}
