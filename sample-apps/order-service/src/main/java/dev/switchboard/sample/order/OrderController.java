package dev.switchboard.sample.order;

import java.util.concurrent.atomic.AtomicLong;

import dev.switchboard.sample.api.StockApi;
import dev.switchboard.sample.api.StockApi.StockLevel;
import dev.switchboard.sample.order.InventoryClient.Item;
import dev.switchboard.sample.order.InventoryClient.Reservation;
import dev.switchboard.sample.order.InventoryClient.ReservationRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Places orders: checks stock over gRPC, reads the item and reserves it over REST, each call answered by
 * whichever inventory instance the client's balancer picked, then stores the order and publishes
 * {@code OrderPlaced} in one transaction ({@link OrderService}, through the transactional outbox).
 *
 * @author Switchboard
 */
@RestController
@RequestMapping("/orders")
class OrderController {

	private static final Log logger = LogFactory.getLog(OrderController.class);

	private final StockApi stock;

	private final InventoryClient inventory;

	private final OrderService orders;

	private final CallStatistics statistics;

	private final AtomicLong ids = new AtomicLong();

	OrderController(StockApi stock, InventoryClient inventory, OrderService orders, CallStatistics statistics) {
		this.stock = stock;
		this.inventory = inventory;
		this.orders = orders;
		this.statistics = statistics;
	}

	@PostMapping
	ResponseEntity<Order> place(@RequestBody OrderRequest request) {
		String orderId = "order-" + this.ids.incrementAndGet();
		Order order = new Order(orderId, request.sku(), request.quantity(), null, null, null, false, null);
		try {
			StockLevel level = this.stock.stock(request.sku());
			this.statistics.answered("grpc", level.instance());
			order = order.withCheckedBy(level.instance());
			Item item = this.inventory.item(request.sku());
			this.statistics.answered("rest", item.instance());
			order = order.withItemBy(item.instance());
		}
		catch (RuntimeException ex) {
			this.statistics.failed(true, RequestSent.by(ex));
			return failed(order, "idempotent call failed: " + ex.getMessage(), ex);
		}
		try {
			Reservation reservation = this.inventory.reserve(request.sku(),
					new ReservationRequest(request.quantity()));
			this.statistics.answered("rest", reservation.instance());
			order = order.withReservedBy(reservation.instance());
		}
		catch (RuntimeException ex) {
			this.statistics.failed(false, RequestSent.by(ex));
			return failed(order, "reservation failed: " + ex.getMessage(), ex);
		}
		try {
			this.orders.place(orderId, request.sku(), request.quantity());
			this.statistics.published(true);
			order = order.published();
		}
		catch (RuntimeException ex) {
			this.statistics.published(false);
			return failed(order, "publishing OrderPlaced failed: " + ex.getMessage(), ex);
		}
		return ResponseEntity.status(HttpStatus.CREATED).body(order);
	}

	@GetMapping("/statistics")
	CallStatistics.Snapshot statistics() {
		return this.statistics.snapshot();
	}

	private ResponseEntity<Order> failed(Order order, String error, RuntimeException ex) {
		logger.warn("Order " + order.id() + ": " + error, ex);
		return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(order.withError(error));
	}

	record OrderRequest(String sku, int quantity) {
	}

	record Order(String id, String sku, int quantity, @Nullable String checkedBy, @Nullable String itemBy,
			@Nullable String reservedBy, boolean eventPublished, @Nullable String error) {

		Order withCheckedBy(String instance) {
			return new Order(this.id, this.sku, this.quantity, instance, this.itemBy, this.reservedBy,
					this.eventPublished, this.error);
		}

		Order withItemBy(String instance) {
			return new Order(this.id, this.sku, this.quantity, this.checkedBy, instance, this.reservedBy,
					this.eventPublished, this.error);
		}

		Order withReservedBy(String instance) {
			return new Order(this.id, this.sku, this.quantity, this.checkedBy, this.itemBy, instance,
					this.eventPublished, this.error);
		}

		Order published() {
			return new Order(this.id, this.sku, this.quantity, this.checkedBy, this.itemBy, this.reservedBy, true,
					this.error);
		}

		Order withError(String error) {
			return new Order(this.id, this.sku, this.quantity, this.checkedBy, this.itemBy, this.reservedBy,
					this.eventPublished, error);
		}

	}

}
