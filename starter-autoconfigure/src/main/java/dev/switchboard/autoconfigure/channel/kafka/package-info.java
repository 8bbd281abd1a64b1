/**
 * The Kafka channel binder, on Spring Kafka, configured from {@code spring.kafka.*} and
 * {@code switchboard.channel-binders.kafka.*}.
 */
@NullMarked
package dev.switchboard.autoconfigure.channel.kafka;

import org.jspecify.annotations.NullMarked;
