package dev.switchboard.core.channel;

/**
 * Where messages of a channel go: the logical channel name used in code and configuration, and the physical
 * destination on the broker (Kafka topic, RabbitMQ exchange, in-memory topic).
 *
 * @param channel the channel name, for logs, metrics and {@link MessageContext}
 * @param name the destination name on the broker
 * @author Switchboard
 */
public record ChannelDestination(String channel, String name) {

	/**
	 * Checks the names.
	 * @param channel the channel name
	 * @param name the destination name
	 */
	public ChannelDestination {
		if (channel.isBlank()) {
			throw new IllegalArgumentException("channel must not be blank but was '" + channel + "'");
		}
		if (name.isBlank()) {
			throw new IllegalArgumentException("destination name must not be blank but was '" + name + "'");
		}
	}

	/**
	 * A destination named like its channel.
	 * @param channel the channel name
	 * @return the destination
	 */
	public static ChannelDestination of(String channel) {
		return new ChannelDestination(channel, channel);
	}

	@Override
	public String toString() {
		return this.channel.equals(this.name) ? this.name : this.channel + " (" + this.name + ")";
	}

}
