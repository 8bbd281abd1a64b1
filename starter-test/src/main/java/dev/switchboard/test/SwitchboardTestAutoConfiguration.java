package dev.switchboard.test;

import dev.switchboard.autoconfigure.channel.ChannelAutoConfiguration;
import dev.switchboard.autoconfigure.channel.ChannelMessageConverter;
import dev.switchboard.autoconfigure.channel.ChannelRegistry;
import dev.switchboard.core.channel.InMemoryChannelBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration imported by {@link AutoConfigureSwitchboardTest}: the recording in-memory binder and the
 * {@link TestChannels} bean.
 *
 * @author Switchboard
 */
@AutoConfiguration(before = ChannelAutoConfiguration.class)
public final class SwitchboardTestAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	InMemoryChannelBinder inMemoryChannelBinder() {
		return new InMemoryChannelBinder();
	}

	@Bean
	RecordingChannelBinder switchboardRecordingChannelBinder(InMemoryChannelBinder inMemoryChannelBinder) {
		return new RecordingChannelBinder(inMemoryChannelBinder);
	}

	@Bean
	@ConditionalOnMissingBean
	TestChannels switchboardTestChannels(RecordingChannelBinder binder, ChannelRegistry registry,
			ChannelMessageConverter converter) {
		return new TestChannels(binder, registry, converter);
	}

}
