package dev.switchboard.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter to a message header. On a {@link Publish} method the value is sent with
 * {@code toString()} ({@code null} sends no header); on a {@link ChannelListener} method the parameter must be a
 * {@code String} and is {@code null} when the header is absent.
 *
 * @author Switchboard
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MessageHeader {

	/**
	 * The header name.
	 * @return the header name
	 */
	String value();

}
