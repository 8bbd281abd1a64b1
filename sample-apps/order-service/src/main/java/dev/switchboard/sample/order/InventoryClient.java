package dev.switchboard.sample.order;

import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;

/**
 * The inventory service over REST, as the order service sees it. No implementation: Switchboard makes this a
 * bean whose calls go to an instance of {@code inventory} found through discovery.
 *
 * @author Switchboard
 */
@ServiceClient("inventory")
@HttpExchange("/items")
public interface InventoryClient {

	/**
	 * An item. GET is idempotent: a failed call is retried on another instance.
	 * @param sku the SKU
	 * @return the item
	 */
	@GetExchange("/{sku}")
	Item item(@PathVariable String sku);

	/**
	 * Reserves stock. POST is not idempotent: a call that may have reached the instance is not retried.
	 * @param sku the SKU
	 * @param request how much
	 * @return the reservation
	 */
	@PostExchange("/{sku}/reservations")
	Reservation reserve(@PathVariable String sku, @RequestBody ReservationRequest request);

	record Item(String sku, int available, String instance) {
	}

	record ReservationRequest(int quantity) {
	}

	record Reservation(String sku, int quantity, int remaining, String instance) {
	}

}
