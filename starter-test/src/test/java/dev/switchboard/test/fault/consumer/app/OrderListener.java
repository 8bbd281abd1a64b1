package dev.switchboard.test.fault.consumer.app;

import java.sql.SQLException;
import java.time.Duration;

import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.channel.MessageContext;

import org.springframework.stereotype.Component;

/**
 * The listener, written as a user would: process the order, record it, return; Switchboard acknowledges the
 * message after the method returned.
 */
@Component
class OrderListener {

	private final OrderLedger ledger;

	private final ConsumerCrashProperties properties;

	OrderListener(OrderLedger ledger, ConsumerCrashProperties properties) {
		this.ledger = ledger;
		this.properties = properties;
	}

	@ChannelListener("orders")
	void on(OrderPlaced order, MessageContext context) throws InterruptedException, SQLException {
		// Stands for the work a real listener does; it keeps messages in flight when the test kills the process.
		Thread.sleep(this.properties.work().toMillis());
		Integer hold = this.properties.holdSeq();
		if (hold != null && hold == order.seq() && this.properties.instance() == 1) {
			// The first start is killed while this listener is still working: far longer than any test waits.
			Thread.sleep(Duration.ofMinutes(5).toMillis());
		}
		this.ledger.processed(context.getMessageId(), order.seq(), context.getDeliveryAttempt());
	}

}
