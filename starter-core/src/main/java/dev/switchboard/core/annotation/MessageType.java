package dev.switchboard.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names a payload class's logical type, which channel publishers then send in the
 * {@link dev.switchboard.core.channel.Message#TYPE_HEADER switchboard-type} header, for consumers that route or
 * read by type. Without it no type travels: consumers read the payload as their listener's parameter type, and no
 * Java class name leaks onto the wire.
 * <pre class="code">
 * import dev.switchboard.core.annotation.MessageType;
 *
 * &#64;MessageType("order-placed")
 * public record OrderPlaced(String orderId, int quantity) {
 * }
 * </pre>
 *
 * @author Switchboard
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MessageType {

	/**
	 * The logical type name, stable across refactorings of the class.
	 * @return the name
	 */
	String value();

}
