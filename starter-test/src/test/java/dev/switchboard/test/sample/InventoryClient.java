package dev.switchboard.test.sample;

import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

/**
 * The inventory service, found through discovery.
 *
 * @author Switchboard
 */
@ServiceClient("inventory")
@HttpExchange("/items")
public interface InventoryClient {

	@GetExchange("/{sku}")
	Item item(@PathVariable String sku);

	record Item(String sku, int available) {
	}

}
