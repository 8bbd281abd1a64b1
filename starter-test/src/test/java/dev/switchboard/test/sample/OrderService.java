package dev.switchboard.test.sample;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.channel.MessageContext;

import org.springframework.stereotype.Service;

/**
 * Places orders (checking stock, then publishing {@code OrderPlaced}) and records payments received on
 * {@code payments}.
 *
 * @author Switchboard
 */
@Service
public class OrderService {

	private final InventoryClient inventory;

	private final OrderEvents events;

	private final List<String> paid = new CopyOnWriteArrayList<>();

	private final List<String> paymentTenants = new CopyOnWriteArrayList<>();

	public OrderService(InventoryClient inventory, OrderEvents events) {
		this.inventory = inventory;
		this.events = events;
	}

	public boolean place(String orderId, String sku, int quantity) {
		if (this.inventory.item(sku).available() < quantity) {
			return false;
		}
		this.events.placed(orderId, new OrderEvents.OrderPlaced(orderId, sku, quantity), "acme", 1);
		return true;
	}

	@ChannelListener("payments")
	void paid(PaymentReceived payment, MessageContext context) {
		if (payment.amount() < 0) {
			throw new IllegalArgumentException("Negative amount " + payment.amount());
		}
		this.paid.add(payment.orderId());
		String tenant = context.getHeader("tenant");
		if (tenant != null) {
			this.paymentTenants.add(tenant);
		}
	}

	public List<String> paid() {
		return this.paid;
	}

	public List<String> paymentTenants() {
		return this.paymentTenants;
	}

	public record PaymentReceived(String orderId, int amount) {
	}

}
