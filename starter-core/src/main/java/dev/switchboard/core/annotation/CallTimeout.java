package dev.switchboard.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The read timeout of one client method, replacing the client's {@code timeout.read}. Configuration
 * ({@code switchboard.clients.<name>.methods.<method>.timeout}) wins over the annotation.
 *
 * <pre class="code">
 * &#64;CallTimeout("300ms")
 * &#64;GetExchange("/{sku}")
 * Item item(&#64;PathVariable String sku);
 * </pre>
 *
 * @author Switchboard
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CallTimeout {

	/**
	 * The timeout, in Spring Boot's duration format ({@code 300ms}, {@code 2s}, ISO-8601).
	 * @return the timeout
	 */
	String value();

}
