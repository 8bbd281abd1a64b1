package dev.switchboard.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a parameter to a message header.
 * <p>
 * On a {@link Publish} method a {@code String}, {@code Boolean}, {@code Integer}, {@code Long}, {@code Short},
 * {@code Byte}, {@code Double}, {@code Float}, {@code BigDecimal} or {@code byte[]} value (or its primitive) is
 * sent typed where the binder carries types, any other value with {@code toString()}; {@code null} sends no
 * header.
 * <p>
 * On a {@link ChannelListener} method the parameter is one of those types, a primitive of one, or
 * {@code Object}; the header is converted as
 * {@link dev.switchboard.core.channel.Message#getHeader(String, Class)} converts it (numbers widen, text is
 * parsed), and a value that does not convert fails the delivery as unreadable. An absent header is {@code null},
 * and fails the delivery as unreadable for a primitive parameter. Other parameter types fail at startup.
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
