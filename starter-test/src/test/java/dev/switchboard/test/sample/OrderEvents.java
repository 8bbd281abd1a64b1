package dev.switchboard.test.sample;

import dev.switchboard.core.annotation.ChannelClient;
import dev.switchboard.core.annotation.MessageHeader;
import dev.switchboard.core.annotation.MessageKey;
import dev.switchboard.core.annotation.MessageType;
import dev.switchboard.core.annotation.Publish;

/**
 * Events about orders.
 *
 * @author Switchboard
 */
@ChannelClient
public interface OrderEvents {

	@Publish("orders")
	void placed(@MessageKey String orderId, OrderPlaced event, @MessageHeader("tenant") String tenant,
			@MessageHeader("lines") int lines);

	@MessageType("order-placed")
	record OrderPlaced(String orderId, String sku, int quantity) {
	}

}
