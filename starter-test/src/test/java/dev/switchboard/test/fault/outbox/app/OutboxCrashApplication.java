package dev.switchboard.test.fault.outbox.app;

import java.util.concurrent.CountDownLatch;

import dev.switchboard.core.annotation.ChannelClient;
import dev.switchboard.core.annotation.MessageKey;
import dev.switchboard.core.annotation.Publish;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The application the outbox crash test starts as a second JVM. With {@code outbox-crash.orders=N} it stores N
 * orders, each with its {@code OrderPlaced} event in the same transaction, prints {@code COMMITTED N}, and then
 * waits to be killed; with N = 0 it only runs (and relays, unless {@code switchboard.outbox.relay.enabled=false}).
 */
@SpringBootApplication
public class OutboxCrashApplication {

	/**
	 * Starts the application.
	 * @param args Spring Boot command-line properties
	 */
	public static void main(String[] args) {
		SpringApplication.run(OutboxCrashApplication.class, args);
	}

	@Bean
	ApplicationRunner writeOrders(Environment environment, TransactionTemplate transactions, JdbcTemplate jdbc,
			OrderEvents events) {
		return (arguments) -> {
			int orders = environment.getProperty("outbox-crash.orders", Integer.class, 0);
			String run = environment.getRequiredProperty("outbox-crash.run");
			for (int seq = 0; seq < orders; seq++) {
				int order = seq;
				transactions.executeWithoutResult((status) -> {
					jdbc.update("INSERT INTO outbox_crash_orders (run, seq) VALUES (?, ?)", run, order);
					events.placed("customer-" + (order % 5), new OrderPlaced(order));
				});
			}
			System.out.println("COMMITTED " + orders);
			// Nothing else keeps this JVM alive: the relay's thread is a daemon.
			new CountDownLatch(1).await();
		};
	}

	/**
	 * The event.
	 *
	 * @param seq the order's sequence number
	 */
	public record OrderPlaced(int seq) {
	}

	/**
	 * Publishes order events through the outbox.
	 */
	@ChannelClient
	public interface OrderEvents {

		/**
		 * Publishes an order's event.
		 * @param key the customer, which orders the events
		 * @param order the event
		 */
		@Publish("orders")
		void placed(@MessageKey String key, OrderPlaced order);

	}

}
