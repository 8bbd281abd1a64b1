package dev.switchboard.autoconfigure.channel.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The outbox's gauges per channel: {@code switchboard.outbox.pending} (rows waiting) and
 * {@code switchboard.outbox.oldest.age} (seconds the oldest of them has waited), read from the
 * {@link OutboxBacklog}'s last count. Relay publishes are observed as {@code switchboard.outbox.relay}.
 *
 * @author Switchboard
 */
public class OutboxMeters implements MeterBinder {

	private final OutboxBacklog backlog;

	/**
	 * Creates the binder.
	 * @param backlog the counted backlog
	 */
	public OutboxMeters(OutboxBacklog backlog) {
		this.backlog = backlog;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.backlog.onChannel((channel) -> {
			Gauge.builder("switchboard.outbox.pending", this.backlog, (backlog) -> backlog.pending(channel))
				.description("Outbox rows of the channel waiting to be published")
				.tag("channel", channel)
				.register(registry);
			Gauge.builder("switchboard.outbox.oldest.age", this.backlog,
					(backlog) -> backlog.oldestAge(channel).toMillis() / 1000.0)
				.description("How long the oldest waiting outbox row of the channel has waited")
				.baseUnit("seconds")
				.tag("channel", channel)
				.register(registry);
		});
	}

}
