/**
 * The RabbitMQ channel binder, on Spring AMQP, configured from {@code spring.rabbitmq.*} and
 * {@code switchboard.channel-binders.rabbit.*}.
 */
@NullMarked
package dev.switchboard.autoconfigure.channel.rabbit;

import org.jspecify.annotations.NullMarked;
