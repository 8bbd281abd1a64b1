package dev.switchboard.sample.inventory;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Items and reservations over REST. Every answer names the instance that gave it.
 *
 * @author Switchboard
 */
@RestController
@RequestMapping("/items")
class InventoryController {

	private final Stock stock;

	InventoryController(Stock stock) {
		this.stock = stock;
	}

	@GetMapping("/{sku}")
	Item item(@PathVariable String sku) {
		return new Item(sku, this.stock.available(sku), this.stock.instance());
	}

	@PostMapping("/{sku}/reservations")
	Reservation reserve(@PathVariable String sku, @RequestBody ReservationRequest request) {
		int left = this.stock.reserve(sku, request.quantity());
		return new Reservation(sku, request.quantity(), left, this.stock.instance());
	}

	record Item(String sku, int available, String instance) {
	}

	record ReservationRequest(int quantity) {
	}

	record Reservation(String sku, int quantity, int remaining, String instance) {
	}

}
