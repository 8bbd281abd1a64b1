package dev.switchboard.sample.notification;

import dev.switchboard.core.channel.IdempotentConsumer;
import dev.switchboard.sample.notification.OrderNotifications.OrderPlaced;
import dev.switchboard.test.AutoConfigureSwitchboardTest;
import dev.switchboard.test.TestChannels;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notification service without Kafka or Eureka: its yml says {@code binder: kafka} and
 * {@code type: eureka}, {@link AutoConfigureSwitchboardTest} runs it in memory.
 *
 * @author Switchboard
 */
@SpringBootTest
@AutoConfigureSwitchboardTest
class OrderNotificationsTests {

	@Autowired
	TestChannels channels;

	@Autowired
	OrderNotifications notifications;

	@Autowired
	IdempotentConsumer deduplication;

	@Test
	void countsOrderPlacedEvents() {
		long before = this.notifications.notifications().received();
		this.channels.sendAndAwait("orders", new OrderPlaced("order-1", "sku-1", 2));
		this.channels.sendAndAwait("orders", new OrderPlaced("order-2", "sku-1", 1));
		assertThat(this.notifications.notifications().received()).isEqualTo(before + 2);
		assertThat(this.notifications.notifications().lastOrderId()).isEqualTo("order-2");
	}

	@Test
	void deduplicatesThroughTheSharedJdbcStore() {
		assertThat(this.deduplication.getStore().type()).isEqualTo("jdbc");
	}

}
