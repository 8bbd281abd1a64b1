package dev.switchboard.autoconfigure.actuate;

import dev.switchboard.autoconfigure.channel.ChannelAutoConfiguration;
import dev.switchboard.autoconfigure.channel.ChannelListenerRegistry;
import dev.switchboard.autoconfigure.channel.ChannelRegistry;
import dev.switchboard.autoconfigure.channel.dedup.IdempotencyStoreAutoConfiguration;
import dev.switchboard.core.annotation.ChannelListener;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint shows the idempotency store of each channel this application listens on.
 *
 * @author Switchboard
 */
class SwitchboardEndpointDeduplicationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ChannelAutoConfiguration.class,
				IdempotencyStoreAutoConfiguration.class))
		.withPropertyValues("switchboard.channels.audit.destination=audit.v1")
		.withBean(OrderListener.class);

	@Test
	void channelWithAListenerShowsItsStoreAndOneWithoutShowsNone() {
		this.contextRunner.run((context) -> {
			SwitchboardEndpoint.SwitchboardDescriptor descriptor = endpoint(context).switchboard();
			assertThat(descriptor.channels().get("orders").deduplicationStore()).isEqualTo("memory");
			assertThat(descriptor.channels().get("audit").deduplicationStore()).isNull();
		});
	}

	@Test
	void noStoreWhenSuppressionIsOff() {
		this.contextRunner.withPropertyValues("switchboard.channel-deduplication.enabled=false")
			.run((context) -> assertThat(endpoint(context).switchboard().channels().get("orders").deduplicationStore())
				.isNull());
	}

	private static SwitchboardEndpoint endpoint(AssertableApplicationContext context) {
		return new SwitchboardEndpoint(null, null, null, null, context.getBean(ChannelRegistry.class),
				context.getBean(ChannelListenerRegistry.class), (name) -> null, (name) -> null);
	}

	static class OrderListener {

		@ChannelListener("orders")
		void on(String order) {
		}

	}

}
