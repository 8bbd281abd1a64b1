package dev.switchboard.sample.order;

import dev.switchboard.core.annotation.ChannelClient;
import dev.switchboard.core.annotation.MessageKey;
import dev.switchboard.core.annotation.Publish;

/**
 * Events the order service publishes. The binder (kafka in the demo) comes from
 * {@code switchboard.channels.orders.binder}; the code does not know it.
 *
 * @author Switchboard
 */
@ChannelClient
public interface OrderEvents {

	/**
	 * Publishes that an order was placed. Channel {@code orders} publishes through the transactional outbox: the
	 * call stores the event in the caller's transaction, and the relay sends it once that transaction commits.
	 * @param orderId the order id, the message key (events of one order stay in order)
	 * @param event the event
	 */
	@Publish("orders")
	void placed(@MessageKey String orderId, OrderPlaced event);

	/**
	 * An order was placed.
	 * @param orderId the order id
	 * @param sku the SKU
	 * @param quantity units ordered
	 */
	record OrderPlaced(String orderId, String sku, int quantity) {
	}

}
