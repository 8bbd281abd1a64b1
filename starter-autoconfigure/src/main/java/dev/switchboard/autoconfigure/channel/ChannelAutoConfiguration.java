package dev.switchboard.autoconfigure.channel;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.autoconfigure.observation.SwitchboardObservations;
import dev.switchboard.autoconfigure.propagation.PropagatedHeaders;
import dev.switchboard.core.channel.ChannelBinder;
import dev.switchboard.core.channel.IdempotentConsumer;
import dev.switchboard.core.channel.InMemoryChannelBinder;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of channels: {@code @ChannelClient} proxies, {@code @ChannelListener} subscriptions, the
 * in-memory binder, configured from {@code switchboard.channels.*}; listeners run through the
 * {@link IdempotentConsumer} of {@link dev.switchboard.autoconfigure.channel.dedup.IdempotencyStoreAutoConfiguration}
 * when there is one.
 *
 * @author Switchboard
 */
@AutoConfiguration(after = JacksonAutoConfiguration.class)
@EnableConfigurationProperties(ChannelProperties.class)
@Import(ChannelClientsRegistrar.class)
public final class ChannelAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	InMemoryChannelBinder inMemoryChannelBinder() {
		return new InMemoryChannelBinder();
	}

	@Bean
	@ConditionalOnMissingBean
	ChannelRegistry channelRegistry(ChannelProperties properties, ObjectProvider<ChannelBinder> binders,
			Environment environment, ApplicationContext applicationContext) {
		return new ChannelRegistry(properties, environment.getProperty("spring.application.name"),
				binders.orderedStream().toList(), applicationContext.getClassLoader());
	}

	@Bean
	@ConditionalOnMissingBean
	ChannelMessageConverter channelMessageConverter(ObjectProvider<JsonMapper> jsonMapper) {
		return new ChannelMessageConverter(jsonMapper.getIfAvailable(JsonMapper::shared));
	}

	@Bean
	@ConditionalOnMissingBean
	ChannelPublisher channelPublisher(ChannelRegistry registry, ChannelMessageConverter converter,
			ObjectProvider<SwitchboardObservations> observations, ObjectProvider<PropagatedHeaders> propagatedHeaders,
			ObjectProvider<MessageOutbox> outbox) {
		MessageOutbox messageOutbox = outbox.getIfAvailable();
		if (messageOutbox == null) {
			requireNoOutbox(registry.getProperties());
		}
		return new ChannelPublisher(registry, converter, observations.getIfAvailable(() -> SwitchboardObservations.NOOP),
				propagatedHeaders.getIfAvailable(() -> PropagatedHeaders.NONE), messageOutbox);
	}

	/**
	 * Fails startup when a channel asks for the outbox but nothing can store its messages: sending them directly
	 * would silently drop the guarantee the property asks for.
	 */
	private static void requireNoOutbox(ChannelProperties properties) {
		String reason = "publishing through the outbox needs a DataSource bean and spring-jdbc (add "
				+ "spring-boot-starter-jdbc and a database driver), and switchboard.outbox auto-configuration "
				+ "not excluded";
		if (properties.getChannelDefaults().getOutbox().isEnabled()) {
			throw new InvalidSwitchboardPropertyException("switchboard.channel-defaults.outbox.enabled", true, reason,
					null);
		}
		properties.getChannels().forEach((name, channel) -> {
			ChannelProperties.Channel.Outbox outbox = channel.getOutbox();
			if (outbox != null && Boolean.TRUE.equals(outbox.getEnabled())) {
				throw new InvalidSwitchboardPropertyException("switchboard.channels." + name + ".outbox.enabled",
						true, reason, null);
			}
		});
	}

	@Bean
	@ConditionalOnMissingBean
	ChannelClientFactory channelClientFactory(ChannelPublisher publisher) {
		return new ChannelClientFactory(publisher);
	}

	@Bean
	@ConditionalOnMissingBean
	ChannelListenerRegistry channelListenerRegistry(ChannelRegistry registry, ChannelMessageConverter converter,
			ObjectProvider<IdempotentConsumer> idempotentConsumer, ObjectProvider<SwitchboardObservations> observations,
			ObjectProvider<PropagatedHeaders> propagatedHeaders) {
		return new ChannelListenerRegistry(registry, converter, idempotentConsumer.getIfAvailable(),
				observations.getIfAvailable(() -> SwitchboardObservations.NOOP),
				propagatedHeaders.getIfAvailable(() -> PropagatedHeaders.NONE));
	}

}
