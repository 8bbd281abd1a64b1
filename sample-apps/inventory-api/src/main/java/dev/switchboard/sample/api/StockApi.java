package dev.switchboard.sample.api;

import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

/**
 * Stock levels. The inventory service implements it in its controller (served over REST by Spring MVC and over
 * gRPC through {@code switchboard.grpc.server.exports}); the order service calls it as client {@code stock},
 * which its yml sends over gRPC to service {@code inventory}.
 *
 * @author Switchboard
 */
@ServiceClient("stock")
@HttpExchange("/stock")
public interface StockApi {

	/**
	 * The stock of a SKU. Idempotent: a failed call is retried on another instance.
	 * @param sku the SKU
	 * @return its stock level, naming the instance that answered
	 */
	@GetExchange("/{sku}")
	StockLevel stock(@PathVariable String sku);

	/**
	 * A stock level.
	 * @param sku the SKU
	 * @param available units available
	 * @param instance the inventory instance that answered
	 */
	record StockLevel(String sku, int available, String instance) {
	}

}
