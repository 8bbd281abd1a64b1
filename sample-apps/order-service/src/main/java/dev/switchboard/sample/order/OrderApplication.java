package dev.switchboard.sample.order;

import dev.switchboard.autoconfigure.client.EnableServiceClients;
import dev.switchboard.sample.api.StockApi;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The order service: checks stock over gRPC ({@link StockApi}), reserves it over REST ({@link InventoryClient})
 * and publishes {@code OrderPlaced} on channel {@code orders} ({@link OrderEvents}).
 *
 * @author Switchboard
 */
@SpringBootApplication
@EnableServiceClients(clients = StockApi.class) // shared with the inventory service, outside this package
public class OrderApplication {

	public static void main(String[] args) {
		SpringApplication.run(OrderApplication.class, args);
	}

}
