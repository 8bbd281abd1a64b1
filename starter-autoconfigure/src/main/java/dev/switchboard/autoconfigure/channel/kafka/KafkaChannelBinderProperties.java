package dev.switchboard.autoconfigure.channel.kafka;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.autoconfigure.diagnostics.PropertyChecks;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the Kafka channel binder that are Switchboard's own; connection, security and client tuning come from
 * {@code spring.kafka.*}. Immutable; checked when bound, each bad value reported with its property.
 *
 * @author Switchboard
 */
@ConfigurationProperties("switchboard.channel-binders.kafka")
public class KafkaChannelBinderProperties {

	private static final String PREFIX = "switchboard.channel-binders.kafka.";

	/**
	 * Partitions of the topics the binder creates when a destination does not exist yet. Bounds how many
	 * consumers of a group share the work; messages with one key always use one partition.
	 */
	private final int partitions;

	/**
	 * Replication factor of the topics the binder creates; -1 uses the broker's default.
	 */
	private final short replicationFactor;

	/**
	 * Most publishes pending at once (waiting for their topic, or in the producer awaiting acks=all); beyond that
	 * a publish fails at once with MessageNotPublishedException, so an unreachable broker costs bounded memory.
	 */
	private final int maxPending;

	/**
	 * Creates the settings; called by configuration property binding.
	 * @param partitions partitions of created topics
	 * @param replicationFactor replication factor of created topics
	 * @param maxPending the most publishes pending at once
	 */
	public KafkaChannelBinderProperties(@DefaultValue("3") int partitions,
			@DefaultValue("-1") short replicationFactor, @DefaultValue("10000") int maxPending) {
		this.partitions = PropertyChecks.atLeast(PREFIX + "partitions", partitions, 1, null);
		if (replicationFactor < 1 && replicationFactor != -1) {
			throw new InvalidSwitchboardPropertyException(PREFIX + "replication-factor", replicationFactor,
					"must be -1 (the broker's default) or at least 1", null);
		}
		this.replicationFactor = replicationFactor;
		this.maxPending = PropertyChecks.atLeast(PREFIX + "max-pending", maxPending, 1, null);
	}

	/**
	 * The most publishes pending at once.
	 * @return the bound
	 */
	public int getMaxPending() {
		return this.maxPending;
	}

	/**
	 * Partitions of created topics.
	 * @return the partitions
	 */
	public int getPartitions() {
		return this.partitions;
	}

	/**
	 * Replication factor of created topics.
	 * @return the replication factor, -1 for the broker's default
	 */
	public short getReplicationFactor() {
		return this.replicationFactor;
	}

}
