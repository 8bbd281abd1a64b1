package dev.switchboard.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter carrying the message key. Messages with the same key are delivered in the order they were
 * published (Kafka: the record key, so the same partition). On a {@link Publish} method the value is converted
 * with {@code toString()}; on a {@link ChannelListener} method the parameter must be a {@code String}.
 *
 * @author Switchboard
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface MessageKey {

}
