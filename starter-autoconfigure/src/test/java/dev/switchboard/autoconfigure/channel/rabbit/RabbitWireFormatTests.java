package dev.switchboard.autoconfigure.channel.rabbit;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.rabbitmq.client.AMQP;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.publish.PublishWindow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RabbitWireFormat}: the shortcut that makes AMQP properties straight from a Switchboard message
 * puts on the wire exactly what Spring AMQP's converter makes of the same message.
 */
class RabbitWireFormatTests {

	private static final ChannelDestination ORDERS = ChannelDestination.of("orders");

	private final PublishWindow window = new PublishWindow("wire-format-test", 10);

	private final CachingConnectionFactory connectionFactory = new CachingConnectionFactory("127.0.0.1");

	@AfterEach
	void close() {
		this.window.close();
		this.connectionFactory.destroy();
	}

	@Test
	void directPropertiesEqualTheConvertersForEveryHeaderType() {
		Message message = Message.builder("{\"id\":1}")
			.id("m-1")
			.key("order-7")
			.header(Message.CONTENT_TYPE_HEADER, "application/json")
			.header("text", "a")
			.header("flag", true)
			.header("int", 7)
			.header("long", 7L)
			.header("short", (short) 7)
			.header("byte", (byte) 7)
			.header("double", 7.5d)
			.header("float", 7.5f)
			.header("decimal", new BigDecimal("7.25"))
			.header("huge-decimal", new BigDecimal("1e-300"))
			.header("bytes", "b".getBytes(StandardCharsets.UTF_8))
			.build();
		assertSameWire(message);
	}

	@Test
	void directPropertiesEqualTheConvertersWithoutHeadersOrKey() {
		assertSameWire(Message.builder(new byte[] { 1, 2 }).id("m-2").build());
	}

	@Test
	void postProcessorsStillShapeTheMessage() {
		RabbitTemplate template = new RabbitTemplate(this.connectionFactory);
		template.setBeforePublishPostProcessors((amqp) -> {
			amqp.getMessageProperties().setAppId("billing");
			return amqp;
		});
		RabbitPublication publication = new RabbitWireFormat(template).prepare(
				this.window.open(ORDERS, Message.builder("x").id("m-3").build(), Duration.ofSeconds(5)),
				Message.builder("x").id("m-3").build(), "orders", "", RabbitPublication.Kind.MESSAGE);
		assertThat(publication.properties().getAppId()).isEqualTo("billing");
		assertThat(publication.properties().getMessageId()).isEqualTo("m-3");
	}

	private void assertSameWire(Message message) {
		RabbitWireFormat direct = new RabbitWireFormat(new RabbitTemplate(this.connectionFactory));
		RabbitTemplate converting = new RabbitTemplate(this.connectionFactory);
		// A post processor that changes nothing sends the message through Spring AMQP's converter.
		converting.setBeforePublishPostProcessors((amqp) -> amqp);
		RabbitWireFormat converted = new RabbitWireFormat(converting);
		AMQP.BasicProperties shortcut = direct.prepare(this.window.open(ORDERS, message, Duration.ofSeconds(5)),
				message, "orders", "k", RabbitPublication.Kind.MESSAGE)
			.properties();
		AMQP.BasicProperties reference = converted.prepare(this.window.open(ORDERS, message, Duration.ofSeconds(5)),
				message, "orders", "k", RabbitPublication.Kind.MESSAGE)
			.properties();
		assertThat(shortcut).usingRecursiveComparison().isEqualTo(reference);
		assertThat(shortcut.getHeaders()).containsOnlyKeys(List.copyOf(reference.getHeaders().keySet()));
		assertThat(shortcut.getPriority()).isZero();
		assertThat(shortcut.getDeliveryMode()).isEqualTo(2);
	}

}
