package dev.switchboard.sample.order;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import dev.switchboard.sample.order.OrderEvents.OrderPlaced;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Stores an order and publishes {@code OrderPlaced} in one transaction: channel {@code orders} has
 * {@code outbox.enabled}, so the event is a row in the same database, relayed to the broker after commit. A
 * failure before commit leaves neither the order nor the event; a crash after commit loses neither.
 *
 * @author Switchboard
 */
@Service
class OrderService {

	private final JdbcClient jdbc;

	private final OrderEvents events;

	OrderService(JdbcClient jdbc, OrderEvents events) {
		this.jdbc = jdbc;
		this.events = events;
	}

	@Transactional
	void place(String orderId, String sku, int quantity) {
		this.jdbc.sql("INSERT INTO orders (id, sku, quantity, created_at) VALUES (?, ?, ?, ?)")
			.params(orderId, sku, quantity, OffsetDateTime.now(ZoneOffset.UTC))
			.update();
		this.events.placed(orderId, new OrderPlaced(orderId, sku, quantity));
	}

	@Transactional(readOnly = true)
	long count() {
		return this.jdbc.sql("SELECT COUNT(*) FROM orders").query(Long.class).single();
	}

}
