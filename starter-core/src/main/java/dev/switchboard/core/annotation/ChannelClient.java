package dev.switchboard.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares an interface as a publisher on channels. Each method is annotated with {@link Publish}; Switchboard
 * turns the interface into a bean whose calls send messages through the channel's binder.
 * <p>
 * Interfaces are detected in the application's auto-configuration packages, or listed with
 * {@code @EnableChannelClients}. Binder, destination and policies come from {@code switchboard.channels.<name>.*}.
 *
 * <pre class="code">
 * &#64;ChannelClient
 * interface OrderEvents {
 *     &#64;Publish("orders")
 *     void placed(&#64;MessageKey String orderId, OrderPlaced event);
 * }
 * </pre>
 *
 * @author Switchboard
 * @see Publish
 * @see ChannelListener
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ChannelClient {

}
