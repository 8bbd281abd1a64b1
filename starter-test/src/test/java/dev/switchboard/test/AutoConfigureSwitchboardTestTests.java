package dev.switchboard.test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.switchboard.autoconfigure.channel.ChannelProperties.Binder;
import dev.switchboard.autoconfigure.channel.ChannelRegistry;
import dev.switchboard.core.channel.Message;
import dev.switchboard.test.sample.OrderEvents.OrderPlaced;
import dev.switchboard.test.sample.OrderService;
import dev.switchboard.test.sample.OrderService.PaymentReceived;
import dev.switchboard.test.sample.SampleApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A whole application under {@link AutoConfigureSwitchboardTest}: its yml asks for Consul, Kafka and RabbitMQ,
 * none of which exist here.
 *
 * @author Switchboard
 */
@SpringBootTest(classes = SampleApplication.class)
@AutoConfigureSwitchboardTest
class AutoConfigureSwitchboardTestTests {

	static final StubInventoryServer inventory = StubInventoryServer.start();

	@DynamicPropertySource
	static void inventory(DynamicPropertyRegistry registry) {
		TestDiscovery.pointService(registry, "inventory", inventory::url);
	}

	@AfterAll
	static void stopInventory() {
		inventory.stop();
	}

	@Autowired
	OrderService orders;

	@Autowired
	TestChannels channels;

	@Autowired
	ChannelRegistry registry;

	@Autowired
	Environment environment;

	@Test
	void everyChannelRunsInMemoryWhateverTheConfigurationSays() {
		assertThat(this.registry.getSettings("orders").binder()).isEqualTo(Binder.MEMORY);
		assertThat(this.registry.getSettings("payments").binder()).isEqualTo(Binder.MEMORY);
		assertThat(this.registry.getSettings("unconfigured").binder()).isEqualTo(Binder.MEMORY);
		// Everything else the application configured for its channels is kept.
		assertThat(this.registry.getSettings("orders").destination().name()).isEqualTo("orders.v1");
	}

	@Test
	void discoveryIsStaticAndRegistrationIsOff() {
		assertThat(this.environment.getProperty("switchboard.discovery.type")).isEqualTo("static");
		assertThat(this.environment.getProperty("switchboard.registration.enabled")).isEqualTo("false");
	}

	@Test
	void serviceClientCallsGoToTheServerTestDiscoveryPointsAt() {
		int before = inventory.requests();
		assertThat(this.orders.place("order-1", "sku-1", 2)).isTrue();
		assertThat(inventory.requests()).isEqualTo(before + 1);
	}

	@Test
	void publishedMessagesAreRecordedWithPayloadKeyAndHeaders() {
		this.orders.place("order-2", "sku-2", 3);
		List<PublishedMessage> published = this.channels.awaitPublished("orders", 1);
		assertThat(published).hasSize(1);
		PublishedMessage message = published.get(0);
		assertThat(message.channel()).isEqualTo("orders");
		assertThat(message.destination()).isEqualTo("orders.v1");
		assertThat(message.key()).isEqualTo("order-2");
		assertThat(message.header("tenant")).isEqualTo("acme");
		assertThat(message.header(Message.TYPE_HEADER)).isEqualTo("order-placed");
		// Recorded with the type it was published with.
		assertThat(message.headerValue("lines")).isEqualTo(1);
		assertThat(message.headerValues()).containsEntry("tenant", "acme").containsEntry("lines", 1);
		assertThat(message.payload(OrderPlaced.class)).isEqualTo(new OrderPlaced("order-2", "sku-2", 3));
		assertThat(this.channels.payloads("orders", OrderPlaced.class)).extracting(OrderPlaced::sku)
			.containsExactly("sku-2");
	}

	@Test
	void recordsAreClearedBetweenTests() {
		// Other tests published on "orders"; none of it is visible here.
		assertThat(this.channels.published("orders")).isEmpty();
	}

	@Test
	void sendDeliversToTheApplicationsListeners() {
		this.channels.sendAndAwait("payments", new PaymentReceived("order-3", 10));
		String id = this.channels.send("payments", new PaymentReceived("order-4", 20), "order-4",
				Map.of("tenant", "acme"));
		this.channels.awaitHandled(id, Duration.ofSeconds(5));
		assertThat(this.orders.paid()).contains("order-3", "order-4");
		assertThat(this.orders.paymentTenants()).contains("acme");
		assertThat(this.channels.published("payments")).as("test sends are not publications").isEmpty();
	}

	@Test
	void awaitHandledReportsTheListenersFailures() {
		String id = this.channels.send("payments", new PaymentReceived("order-5", -1));
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.channels.awaitHandled(id, Duration.ofMillis(500)))
			.withMessageContaining("No listener handled message " + id)
			.withMessageContaining("2 failed attempt(s)")
			.satisfies((error) -> assertThat(error.getSuppressed()[0]).hasMessageContaining("Negative amount -1"));
	}

	@Test
	void awaitPublishedFailsWithWhatWasPublished() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.channels.awaitPublished("orders", 1, Duration.ofMillis(100)))
			.withMessageContaining("Expected at least 1 message(s) on channel 'orders'")
			.withMessageContaining("0 arrived");
	}

}
