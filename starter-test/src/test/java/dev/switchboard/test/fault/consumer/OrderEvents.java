package dev.switchboard.test.fault.consumer;

import java.util.concurrent.CompletableFuture;

import dev.switchboard.core.annotation.ChannelClient;
import dev.switchboard.core.annotation.MessageKey;
import dev.switchboard.core.annotation.Publish;
import dev.switchboard.test.fault.consumer.app.OrderPlaced;

/**
 * The test JVM's publisher of the crash tests' orders.
 */
@ChannelClient
interface OrderEvents {

	/**
	 * Publishes an order.
	 * @param key the message key
	 * @param order the order
	 * @return completes when the broker confirmed the message
	 */
	@Publish("orders")
	CompletableFuture<Void> placed(@MessageKey String key, OrderPlaced order);

}
