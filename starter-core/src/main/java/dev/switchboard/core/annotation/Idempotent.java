package dev.switchboard.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a client method as safe to repeat, so a failed attempt may be retried (or hedged) on another instance
 * even though its HTTP method is not idempotent by definition (for example a {@code POST} carrying an
 * idempotency key). GET, HEAD, PUT, DELETE, OPTIONS and TRACE are idempotent without it.
 *
 * @author Switchboard
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Idempotent {

	/**
	 * Whether the method is idempotent; {@code false} on a method opts it out of a type-level declaration.
	 * @return whether calls may be repeated
	 */
	boolean value() default true;

}
