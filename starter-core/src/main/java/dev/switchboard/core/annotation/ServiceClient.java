package dev.switchboard.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Declares an interface as a client of a discovered service. The interface declares its calls with Spring's
 * {@code @HttpExchange} annotations; Switchboard turns it into a bean whose calls resolve the service through
 * discovery and a load balancer.
 * <p>
 * Interfaces are detected in the application's auto-configuration packages, or listed with
 * {@code @EnableServiceClients}. Protocol, timeouts and policies come from
 * {@code switchboard.clients.<name>.*}.
 *
 * <pre class="code">
 * &#64;ServiceClient("inventory")
 * &#64;HttpExchange("/items")
 * interface InventoryClient {
 *     &#64;GetExchange("/{sku}")
 *     Item item(&#64;PathVariable String sku);
 * }
 * </pre>
 *
 * @author Switchboard
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ServiceClient {

	/**
	 * Alias for {@link #name()}.
	 * @return the client name
	 */
	@AliasFor("name")
	String value() default "";

	/**
	 * The client name: the key of {@code switchboard.clients.<name>}, the name of the HTTP service group the
	 * interface joins, and (unless {@code service-id} is set) the service id looked up in discovery.
	 * @return the client name
	 */
	@AliasFor("value")
	String name() default "";

	/**
	 * A bean type implementing the interface whose methods answer instead when a call cannot be made or fails
	 * for a reason other than the caller's (an open circuit breaker, a full bulkhead, a rate limit, a timeout,
	 * an I/O error, a 5xx, no instance); never after a 4xx. {@code void.class} means no fallback.
	 * @return the fallback bean type
	 */
	Class<?> fallback() default void.class;

}
