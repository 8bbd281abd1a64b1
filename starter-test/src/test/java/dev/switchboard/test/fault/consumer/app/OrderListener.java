package dev.switchboard.test.fault.consumer.app;

import java.sql.SQLException;

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
		this.ledger.processed(context.getMessageId(), order.seq(), context.getDeliveryAttempt());
	}

}
