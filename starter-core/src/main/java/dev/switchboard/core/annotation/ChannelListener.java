package dev.switchboard.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Declares a bean method as a consumer of a channel.
 * <p>
 * The method takes the payload (converted to the parameter's type) and optionally a
 * {@code dev.switchboard.core.channel.MessageContext}, the raw {@code Message}, a {@link MessageKey}
 * {@code String} and {@link MessageHeader} {@code String} parameters. Each consumer group receives every message
 * once; within a group, one listener processes it. A listener that throws is retried with backoff and then
 * dead-lettered. A value returned by the method answers a request-reply {@link Publish} method.
 *
 * @author Switchboard
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ChannelListener {

	/**
	 * Alias for {@link #channel()}.
	 * @return the channel name
	 */
	@AliasFor("channel")
	String value() default "";

	/**
	 * The channel name: the key of {@code switchboard.channels.<name>}.
	 * @return the channel name
	 */
	@AliasFor("value")
	String channel() default "";

	/**
	 * The consumer group, overriding {@code switchboard.channels.<name>.group} (which defaults to
	 * {@code spring.application.name}).
	 * @return the group, or an empty string for the configured one
	 */
	String group() default "";

}
