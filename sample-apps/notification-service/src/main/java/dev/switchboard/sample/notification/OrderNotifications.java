package dev.switchboard.sample.notification;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.channel.MessageContext;
import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Receives {@code OrderPlaced} events (a real service would mail the customer) and tells over HTTP how many it
 * received. Duplicate deliveries never reach the method: Switchboard drops them by message id.
 *
 * @author Switchboard
 */
@RestController
class OrderNotifications {

	private final AtomicLong received = new AtomicLong();

	private final AtomicReference<@Nullable String> lastOrderId = new AtomicReference<>();

	@ChannelListener("orders")
	void orderPlaced(OrderPlaced event, MessageContext context) {
		this.received.incrementAndGet();
		this.lastOrderId.set(event.orderId());
	}

	@GetMapping("/notifications")
	Notifications notifications() {
		return new Notifications(this.received.get(), this.lastOrderId.get());
	}

	/**
	 * The event as this service reads it: its own type, matched by JSON field names.
	 * @param orderId the order id
	 * @param sku the SKU
	 * @param quantity units ordered
	 */
	record OrderPlaced(String orderId, String sku, int quantity) {
	}

	record Notifications(long received, @Nullable String lastOrderId) {
	}

}
