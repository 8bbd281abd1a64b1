package dev.switchboard.sample.order;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The order service: places orders by reserving stock in the inventory service through a
 * {@code @ServiceClient}.
 *
 * @author Switchboard
 */
@SpringBootApplication
public class OrderApplication {

	public static void main(String[] args) {
		SpringApplication.run(OrderApplication.class, args);
	}

}
