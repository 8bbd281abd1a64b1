package dev.switchboard.autoconfigure.channel.outbox;

import java.time.Duration;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.autoconfigure.diagnostics.PropertyChecks;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/**
 * Configuration of the transactional outbox shared by every channel that enables it
 * ({@code switchboard.channels.<name>.outbox.enabled}): the table's schema, the relay and the cleanup. Immutable
 * and checked when bound.
 *
 * @author Switchboard
 */
@ConfigurationProperties("switchboard.outbox")
public class OutboxProperties {

	private static final String PREFIX = "switchboard.outbox.";

	/**
	 * When to create the outbox table from the schema script of the DataSource's database (PostgreSQL, H2):
	 * embedded (only for an embedded database), always, or never (the application's migrations create it).
	 */
	private final DatabaseInitializationMode initializeSchema;

	/**
	 * The relay that sends stored messages to the broker.
	 */
	private final Relay relay;

	/**
	 * Removal of published rows.
	 */
	private final Cleanup cleanup;

	/**
	 * Creates the properties; called by configuration property binding.
	 * @param initializeSchema when to create the table
	 * @param relay the relay
	 * @param cleanup the cleanup
	 */
	public OutboxProperties(@DefaultValue("embedded") DatabaseInitializationMode initializeSchema,
			@DefaultValue Relay relay, @DefaultValue Cleanup cleanup) {
		this.initializeSchema = initializeSchema;
		this.relay = relay;
		this.cleanup = cleanup;
	}

	/**
	 * When to create the outbox table.
	 * @return the mode
	 */
	public DatabaseInitializationMode getInitializeSchema() {
		return this.initializeSchema;
	}

	/**
	 * The relay.
	 * @return the relay settings
	 */
	public Relay getRelay() {
		return this.relay;
	}

	/**
	 * The cleanup.
	 * @return the cleanup settings
	 */
	public Cleanup getCleanup() {
		return this.cleanup;
	}

	/**
	 * The relay that sends stored messages to the broker.
	 */
	public static class Relay {

		/**
		 * Whether this instance relays. Stored messages wait in the table while no instance relays them.
		 */
		private final boolean enabled;

		/**
		 * Most rows one relay locks and publishes in one short transaction.
		 */
		private final int batchSize;

		/**
		 * How often the relay looks for rows when no commit of this instance woke it (rows written by other
		 * instances, retries, rows left by a crash).
		 */
		private final Duration pollInterval;

		/**
		 * Wait before the first retry of a row whose publish failed; later rows of its key wait with it.
		 */
		private final Duration backoff;

		/**
		 * Factor applied to the wait after each further failed publish of a row.
		 */
		private final double multiplier;

		/**
		 * Longest wait between the retries of a row.
		 */
		private final Duration maxBackoff;

		/**
		 * Creates the settings; called by configuration property binding.
		 * @param enabled whether this instance relays
		 * @param batchSize most rows per batch
		 * @param pollInterval time between polls
		 * @param backoff first retry wait
		 * @param multiplier retry wait factor
		 * @param maxBackoff longest retry wait
		 */
		public Relay(@DefaultValue("true") boolean enabled, @DefaultValue("100") int batchSize,
				@DefaultValue("1s") Duration pollInterval, @DefaultValue("1s") Duration backoff,
				@DefaultValue("2") double multiplier, @DefaultValue("1m") Duration maxBackoff) {
			this.enabled = enabled;
			this.batchSize = PropertyChecks.atLeast(PREFIX + "relay.batch-size", batchSize, 1, null);
			this.pollInterval = PropertyChecks.positive(PREFIX + "relay.poll-interval", pollInterval);
			this.backoff = PropertyChecks.positive(PREFIX + "relay.backoff", backoff);
			if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
				throw new InvalidSwitchboardPropertyException(PREFIX + "relay.multiplier", multiplier,
						"must be at least 1", null);
			}
			this.multiplier = multiplier;
			if (maxBackoff.compareTo(backoff) < 0) {
				throw new InvalidSwitchboardPropertyException(PREFIX + "relay.max-backoff", maxBackoff,
						"must not be less than relay.backoff (" + backoff + ")", null);
			}
			this.maxBackoff = maxBackoff;
		}

		/**
		 * Whether this instance relays.
		 * @return the flag
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		/**
		 * Most rows per batch.
		 * @return the size
		 */
		public int getBatchSize() {
			return this.batchSize;
		}

		/**
		 * Time between polls.
		 * @return the interval
		 */
		public Duration getPollInterval() {
			return this.pollInterval;
		}

		/**
		 * First retry wait.
		 * @return the wait
		 */
		public Duration getBackoff() {
			return this.backoff;
		}

		/**
		 * Retry wait factor.
		 * @return the factor
		 */
		public double getMultiplier() {
			return this.multiplier;
		}

		/**
		 * Longest retry wait.
		 * @return the wait
		 */
		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

	}

	/**
	 * Removal of published rows.
	 */
	public static class Cleanup {

		/**
		 * How long a published row stays in the table (for operators to inspect) before it is deleted.
		 */
		private final Duration retention;

		/**
		 * How often published rows older than the retention are deleted.
		 */
		private final Duration interval;

		/**
		 * Creates the settings; called by configuration property binding.
		 * @param retention how long published rows stay
		 * @param interval how often they are deleted
		 */
		public Cleanup(@DefaultValue("1h") Duration retention, @DefaultValue("1m") Duration interval) {
			this.retention = PropertyChecks.notNegative(PREFIX + "cleanup.retention", retention);
			this.interval = PropertyChecks.positive(PREFIX + "cleanup.interval", interval);
		}

		/**
		 * How long published rows stay.
		 * @return the retention
		 */
		public Duration getRetention() {
			return this.retention;
		}

		/**
		 * How often published rows are deleted.
		 * @return the interval
		 */
		public Duration getInterval() {
			return this.interval;
		}

	}

}
