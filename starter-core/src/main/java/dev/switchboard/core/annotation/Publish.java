package dev.switchboard.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Declares a method of a {@link ChannelClient} interface as a publication on a channel.
 * <p>
 * The method takes exactly one payload parameter, at most one {@link MessageKey} parameter and any number of
 * {@link MessageHeader} parameters. Its return type chooses the exchange:
 * <ul>
 * <li>{@code void}: returns once the binder acknowledged the message, throws if it did not;</li>
 * <li>{@code CompletableFuture<Void>}: returns at once, the future completes when the binder acknowledged;</li>
 * <li>any other type {@code T}: request-reply, waits for the value returned by a {@link ChannelListener}
 * method, up to the channel's {@code request-timeout};</li>
 * <li>{@code CompletableFuture<T>}: request-reply without blocking the caller.</li>
 * </ul>
 *
 * @author Switchboard
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Publish {

	/**
	 * Alias for {@link #channel()}.
	 * @return the channel name
	 */
	@AliasFor("channel")
	String value() default "";

	/**
	 * The channel name: the key of {@code switchboard.channels.<name>} and, unless configured otherwise, the
	 * destination (topic, exchange) messages go to.
	 * @return the channel name
	 */
	@AliasFor("value")
	String channel() default "";

}
