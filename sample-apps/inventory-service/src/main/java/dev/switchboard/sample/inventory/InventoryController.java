package dev.switchboard.sample.inventory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Stock of each SKU, per instance (the demo keeps it in memory). Every answer names the instance that gave it.
 *
 * @author Switchboard
 */
@RestController
@RequestMapping("/items")
class InventoryController {

	private final Map<String, AtomicInteger> stock = new ConcurrentHashMap<>();

	private final String instance;

	InventoryController(@Value("${inventory.instance-name:inventory}") String instance) {
		this.instance = instance;
	}

	@GetMapping("/{sku}")
	Item item(@PathVariable String sku) {
		return new Item(sku, stock(sku).get(), this.instance);
	}

	@PostMapping("/{sku}/reservations")
	Reservation reserve(@PathVariable String sku, @RequestBody ReservationRequest request) {
		int left = stock(sku).addAndGet(-request.quantity());
		return new Reservation(sku, request.quantity(), left, this.instance);
	}

	private AtomicInteger stock(String sku) {
		return this.stock.computeIfAbsent(sku, (key) -> new AtomicInteger(100));
	}

	record Item(String sku, int available, String instance) {
	}

	record ReservationRequest(int quantity) {
	}

	record Reservation(String sku, int quantity, int remaining, String instance) {
	}

}
