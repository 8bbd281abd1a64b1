package dev.switchboard.autoconfigure.channel;

import java.time.Duration;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ConsumerSettings;

/**
 * The effective, validated settings of one channel: its own properties over {@code channel-defaults}.
 *
 * @param channel the channel name
 * @param binder the broker the channel uses
 * @param destination the destination on the broker
 * @param group the consumer group of this application's listeners
 * @param consumer concurrency, retries and dead-lettering of listeners
 * @param requestTimeout how long a request-reply publish waits
 * @author Switchboard
 */
public record ChannelSettings(String channel, ChannelProperties.Binder binder, ChannelDestination destination,
		String group, ConsumerSettings consumer, Duration requestTimeout) {

	/**
	 * The same settings for another consumer group.
	 * @param group the group
	 * @return settings with that group
	 */
	public ChannelSettings withGroup(String group) {
		return new ChannelSettings(this.channel, this.binder, this.destination, group, this.consumer,
				this.requestTimeout);
	}

}
