package dev.switchboard.autoconfigure.channel.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The pending rows of each channel as last counted: the gauges of {@link OutboxMeters} read it, and so does the
 * actuator endpoint. Counted on the relay's schedule, so that reading a gauge never queries the database.
 *
 * @author Switchboard
 */
public class OutboxBacklog {

	private final JdbcOutboxRepository repository;

	private final Clock clock;

	private final Set<String> channels;

	private final CopyOnWriteArrayList<Consumer<String>> channelListeners = new CopyOnWriteArrayList<>();

	private volatile Map<String, JdbcOutboxRepository.Backlog> snapshot = Map.of();

	/**
	 * Creates a backlog view.
	 * @param repository the outbox table
	 * @param clock the clock that ages the oldest row
	 * @param channels channels to show from the start, with nothing pending
	 */
	public OutboxBacklog(JdbcOutboxRepository repository, Clock clock, Set<String> channels) {
		this.repository = repository;
		this.clock = clock;
		this.channels = new TreeSet<>(channels);
	}

	/**
	 * The channels known so far: configured with the outbox, or with rows in the table.
	 * @return the channel names, sorted
	 */
	public synchronized Set<String> channels() {
		return Set.copyOf(this.channels);
	}

	/**
	 * Calls a listener with every known channel, now and whenever a new one appears.
	 * @param listener the listener
	 */
	public void onChannel(Consumer<String> listener) {
		this.channelListeners.add(listener);
		channels().forEach(listener);
	}

	/**
	 * Counts the pending rows again.
	 */
	public void refresh() {
		Map<String, JdbcOutboxRepository.Backlog> backlog = this.repository.backlog();
		this.snapshot = Map.copyOf(backlog);
		backlog.keySet().forEach(this::add);
	}

	/**
	 * How many rows of a channel wait.
	 * @param channel the channel
	 * @return the count
	 */
	public long pending(String channel) {
		JdbcOutboxRepository.Backlog backlog = this.snapshot.get(channel);
		return (backlog != null) ? backlog.pending() : 0;
	}

	/**
	 * How long the oldest waiting row of a channel has waited.
	 * @param channel the channel
	 * @return the age, zero when none waits
	 */
	public Duration oldestAge(String channel) {
		JdbcOutboxRepository.Backlog backlog = this.snapshot.get(channel);
		if (backlog == null || backlog.oldest() == null) {
			return Duration.ZERO;
		}
		Duration age = Duration.between(backlog.oldest(), this.clock.instant());
		return age.isNegative() ? Duration.ZERO : age;
	}

	private void add(String channel) {
		boolean added;
		synchronized (this) {
			added = this.channels.add(channel);
		}
		if (added) {
			this.channelListeners.forEach((listener) -> listener.accept(channel));
		}
	}

}
