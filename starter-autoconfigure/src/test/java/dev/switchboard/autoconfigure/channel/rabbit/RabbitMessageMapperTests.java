package dev.switchboard.autoconfigure.channel.rabbit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RabbitMessageMapper}: a key is the routing key when it fits AMQP's 255 bytes, whatever its
 * characters, and none otherwise (the key then travels in its header only).
 */
class RabbitMessageMapperTests {

	@Test
	void keyThatFitsIsTheRoutingKey() {
		assertThat(RabbitMessageMapper.routingKey("order-7")).isEqualTo("order-7");
		assertThat(RabbitMessageMapper.routingKey("k".repeat(255))).hasSize(255);
		// 85 characters of 3 UTF-8 bytes each: 255 bytes.
		assertThat(RabbitMessageMapper.routingKey("€".repeat(85))).isEqualTo("€".repeat(85));
	}

	@Test
	void keyLongerThan255BytesIsNoRoutingKey() {
		assertThat(RabbitMessageMapper.routingKey("k".repeat(256))).isEmpty();
		// 86 characters, 258 bytes.
		assertThat(RabbitMessageMapper.routingKey("€".repeat(86))).isEmpty();
		// 128 characters of 2 bytes each: 256 bytes.
		assertThat(RabbitMessageMapper.routingKey("é".repeat(128))).isEmpty();
		assertThat(RabbitMessageMapper.routingKey(null)).isEmpty();
	}

}
