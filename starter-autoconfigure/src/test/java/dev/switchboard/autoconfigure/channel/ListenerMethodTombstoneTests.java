package dev.switchboard.autoconfigure.channel;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for how a {@link ListenerMethod} treats a tombstone (a Kafka record without a value).
 *
 * @author Switchboard
 */
class ListenerMethodTombstoneTests {

	private static final ChannelDestination ORDERS = new ChannelDestination("orders", "orders");

	private final ChannelMessageConverter converter = new ChannelMessageConverter(JsonMapper.builder().build());

	@Test
	void tombstoneReachesNullablePayloadAsNull() throws Exception {
		Listener listener = new Listener();
		ListenerMethod method = parse(listener, "nullable");
		method.handle(tombstone(), context(tombstone()));
		method.handle(order(), context(order()));
		assertThat(listener.received).containsExactly("null", "o-1");
	}

	@Test
	void tombstoneIsSkippedWhenPayloadIsNotNullable() throws Exception {
		Listener listener = new Listener();
		ListenerMethod method = parse(listener, "required");
		assertThat(method.handle(tombstone(), context(tombstone()))).isNull();
		method.handle(order(), context(order()));
		assertThat(listener.received).containsExactly("o-1");
	}

	@Test
	void tombstoneReachesRawMessageListener() throws Exception {
		Listener listener = new Listener();
		ListenerMethod method = parse(listener, "raw");
		method.handle(tombstone(), context(tombstone()));
		assertThat(listener.received).containsExactly("tombstone k-1");
	}

	private ListenerMethod parse(Listener listener, String name) {
		Method method = ReflectionUtils.findMethod(Listener.class, name, (Class<?>[]) null);
		assertThat(method).isNotNull();
		return ListenerMethod.parse(listener, Listener.class, method,
				AnnotatedElementUtils.findMergedAnnotation(method, ChannelListener.class),
				this.converter);
	}

	private static Message tombstone() {
		return Message.builder(new byte[0]).id("t-1").key("k-1").tombstone().build();
	}

	private static Message order() {
		return Message.builder("{\"id\":\"o-1\"}").id("m-1").key("k-1").build();
	}

	private static MessageContext context(Message message) {
		return new MessageContext(ORDERS, "group", message, 1);
	}

	record Order(String id) {
	}

	static class Listener {

		final List<String> received = new ArrayList<>();

		@ChannelListener("orders")
		void nullable(@Nullable Order order) {
			this.received.add((order != null) ? order.id() : "null");
		}

		@ChannelListener("orders")
		void required(Order order) {
			this.received.add(order.id());
		}

		@ChannelListener("orders")
		void raw(Message message) {
			this.received.add((message.isTombstone() ? "tombstone " : "message ") + message.getKey());
		}

	}

}
