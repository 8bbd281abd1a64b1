package dev.switchboard.autoconfigure.channel.outbox;

import java.util.Set;
import java.util.TreeSet;

import dev.switchboard.autoconfigure.channel.ChannelProperties;

/**
 * Which channels publish through the outbox: a channel's own {@code outbox.enabled}, else the one in
 * {@code channel-defaults}.
 *
 * @author Switchboard
 */
public final class OutboxChannels {

	private final ChannelProperties properties;

	/**
	 * Creates the view.
	 * @param properties the channel properties
	 */
	public OutboxChannels(ChannelProperties properties) {
		this.properties = properties;
	}

	/**
	 * Whether a channel, configured or not, publishes through the outbox.
	 * @param channel the channel name
	 * @return the effective flag
	 */
	public boolean isEnabled(String channel) {
		ChannelProperties.Channel configured = this.properties.getChannels().get(channel);
		if (configured != null && configured.getOutbox() != null && configured.getOutbox().getEnabled() != null) {
			return configured.getOutbox().getEnabled();
		}
		return this.properties.getChannelDefaults().getOutbox().isEnabled();
	}

	/**
	 * The configured channels that publish through the outbox (others may, when the defaults enable it).
	 * @return the channel names, sorted
	 */
	public Set<String> configuredChannels() {
		Set<String> channels = new TreeSet<>();
		this.properties.getChannels().keySet().stream().filter(this::isEnabled).forEach(channels::add);
		return channels;
	}

	/**
	 * Whether any channel may publish through the outbox.
	 * @return whether the defaults or a configured channel enable it
	 */
	public boolean anyEnabled() {
		return this.properties.getChannelDefaults().getOutbox().isEnabled() || !configuredChannels().isEmpty();
	}

	static String property(String channel) {
		return ((channel.indexOf('.') >= 0) ? "switchboard.channels[" + channel + "]" : "switchboard.channels."
				+ channel) + ".outbox.enabled";
	}

}
