package dev.switchboard.autoconfigure.channel;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.annotation.MessageHeader;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.UnreadableMessageException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for how a {@link ListenerMethod} fills {@code @MessageHeader} parameters of other types than String.
 *
 * @author Switchboard
 */
class ListenerMethodHeaderTests {

	private static final ChannelDestination ORDERS = new ChannelDestination("orders", "orders");

	private final ChannelMessageConverter converter = new ChannelMessageConverter(JsonMapper.builder().build());

	private final Listener listener = new Listener();

	@Test
	void headersAreConvertedToTheParameterTypes() throws Exception {
		handle("typed", Message.builder("\"x\"").header("priority", 5).header("flag", "true").header("label", 7L));
		assertThat(this.listener.received).containsExactly(5L, true, 7L);
	}

	@Test
	void absentHeaderIsNullForAWrapperParameter() throws Exception {
		handle("boxed", Message.builder("\"x\""));
		assertThat(this.listener.received).containsExactly((Object) null);
	}

	@Test
	void absentHeaderForAPrimitiveParameterIsUnreadable() {
		assertThatExceptionOfType(UnreadableMessageException.class)
			.isThrownBy(() -> handle("typed", Message.builder("\"x\"").id("m-1").header("flag", true)))
			.withMessageContaining("parameter #2 (long priority)")
			.withMessageContaining("message m-1 has no header 'priority'");
		assertThat(this.listener.received).isEmpty();
	}

	@Test
	void headerThatDoesNotConvertIsUnreadable() {
		assertThatExceptionOfType(UnreadableMessageException.class)
			.isThrownBy(() -> handle("typed", Message.builder("\"x\"").header("priority", "high").header("flag", true)))
			.withMessageContaining("parameter #2 (long priority)")
			.withMessageContaining("Header 'priority' with value 'high' (String) cannot be converted to long");
		assertThat(this.listener.received).isEmpty();
	}

	private void handle(String name, Message.Builder message) throws Exception {
		Method method = ReflectionUtils.findMethod(Listener.class, name, (Class<?>[]) null);
		assertThat(method).isNotNull();
		ListenerMethod listenerMethod = ListenerMethod.parse(this.listener, Listener.class, method,
				AnnotatedElementUtils.findMergedAnnotation(method, ChannelListener.class), this.converter);
		Message built = message.build();
		listenerMethod.handle(built, new MessageContext(ORDERS, "group", built, 1));
	}

	static class Listener {

		final List<@Nullable Object> received = new ArrayList<>();

		@ChannelListener("orders")
		void typed(String payload, @MessageHeader("priority") long priority, @MessageHeader("flag") boolean flag,
				@MessageHeader("label") Object label) {
			this.received.addAll(List.of(priority, flag, label));
		}

		@ChannelListener("orders")
		void boxed(String payload, @MessageHeader("priority") @Nullable Integer priority) {
			this.received.add(priority);
		}

	}

}
