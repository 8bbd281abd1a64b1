package dev.switchboard.test;

import dev.switchboard.test.sample.OrderEvents.OrderPlaced;
import dev.switchboard.test.sample.OrderService;
import dev.switchboard.test.sample.SampleApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link SwitchboardTest} shortcut, with a property of the test's own.
 *
 * @author Switchboard
 */
@SwitchboardTest(classes = SampleApplication.class, properties = "switchboard.channels.orders.destination=orders.test")
class SwitchboardTestAnnotationTests {

	static final StubInventoryServer inventory = StubInventoryServer.start();

	@DynamicPropertySource
	static void inventory(DynamicPropertyRegistry registry) {
		TestDiscovery.pointService(registry, "inventory", inventory.url());
	}

	@AfterAll
	static void stopInventory() {
		inventory.stop();
	}

	@Autowired
	OrderService orders;

	@Autowired
	TestChannels channels;

	@Test
	void placesAnOrderAgainstTheStubAndRecordsTheEvent() {
		assertThat(this.orders.place("order-1", "sku-1", 1)).isTrue();
		assertThat(this.channels.awaitPublished("orders", 1)).singleElement()
			.satisfies((message) -> assertThat(message.destination()).isEqualTo("orders.test"))
			.satisfies((message) -> assertThat(message.payload(OrderPlaced.class).orderId()).isEqualTo("order-1"));
	}

}
