package dev.switchboard.sample.inventory;

import dev.switchboard.sample.api.StockApi;

import org.springframework.web.bind.annotation.RestController;

/**
 * {@link StockApi}, served twice: over REST by Spring MVC (the interface's {@code @HttpExchange} mappings) and
 * over gRPC, because {@code switchboard.grpc.server.exports} lists the interface. A controller of its own: the
 * interface's type-level {@code @HttpExchange("/stock")} prefixes every mapping of the class implementing it.
 *
 * @author Switchboard
 */
@RestController
class StockController implements StockApi {

	private final Stock stock;

	StockController(Stock stock) {
		this.stock = stock;
	}

	@Override
	public StockLevel stock(String sku) {
		return new StockLevel(sku, this.stock.available(sku), this.stock.instance());
	}

}
