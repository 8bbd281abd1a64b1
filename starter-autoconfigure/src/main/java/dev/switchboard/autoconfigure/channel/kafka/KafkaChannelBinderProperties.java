package dev.switchboard.autoconfigure.channel.kafka;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the Kafka channel binder that are Switchboard's own; connection, security and client tuning come from
 * {@code spring.kafka.*}. Immutable; checked at startup.
 *
 * @author Switchboard
 */
@ConfigurationProperties("switchboard.channel-binders.kafka")
public class KafkaChannelBinderProperties {

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
		this.partitions = partitions;
		this.replicationFactor = replicationFactor;
		this.maxPending = maxPending;
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
