package dev.switchboard.sample.order;

import java.util.concurrent.atomic.AtomicLong;

import dev.switchboard.sample.order.InventoryClient.Item;
import dev.switchboard.sample.order.InventoryClient.Reservation;
import dev.switchboard.sample.order.InventoryClient.ReservationRequest;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Places orders: checks stock, then reserves it, each call answered by whichever inventory instance the
 * balancer picked.
 *
 * @author Switchboard
 */
@RestController
@RequestMapping("/orders")
class OrderController {

	private final InventoryClient inventory;

	private final AtomicLong ids = new AtomicLong();

	OrderController(InventoryClient inventory) {
		this.inventory = inventory;
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Order place(@RequestBody OrderRequest request) {
		Item item = this.inventory.item(request.sku());
		Reservation reservation = this.inventory.reserve(request.sku(), new ReservationRequest(request.quantity()));
		return new Order(this.ids.incrementAndGet(), request.sku(), request.quantity(), item.instance(),
				reservation.instance());
	}

	record OrderRequest(String sku, int quantity) {
	}

	record Order(long id, String sku, int quantity, String checkedBy, String reservedBy) {
	}

}
