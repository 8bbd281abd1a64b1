package dev.switchboard.autoconfigure.channel.dedup;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.switchboard.core.channel.DeduplicationListener;
import dev.switchboard.core.channel.IdempotencyStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.noop.NoopCounter;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Counts duplicate suppression's decisions in {@value #METER}, tagged with the {@code outcome} ({@code claimed},
 * {@code reclaimed}: a lapsed claim taken over, {@code duplicate}: a store hit acknowledged without running the
 * listener, {@code waiting}: a delivery that found another consumer's live claim), the {@code scope}
 * (destination/group) and the {@code store}.
 *
 * @author Switchboard
 */
final class MicrometerDeduplicationListener implements DeduplicationListener {

	static final String METER = "switchboard.channel.deduplication";

	private static final Counter NOOP = new NoopCounter(new Meter.Id(METER, Tags.empty(), null, null, Meter.Type.COUNTER));

	private final ObjectProvider<MeterRegistry> registry;

	private final ObjectProvider<IdempotencyStore> store;

	// Looked up once per scope and outcome: a Counter.builder per message would cost more than the count.
	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	// Looked up at the first count, when the context is complete: no auto-configuration ordering to get wrong.
	MicrometerDeduplicationListener(ObjectProvider<MeterRegistry> registry, ObjectProvider<IdempotencyStore> store) {
		this.registry = registry;
		this.store = store;
	}

	@Override
	public void claimed(String scope, boolean reclaimed) {
		count(scope, reclaimed ? "reclaimed" : "claimed");
	}

	@Override
	public void duplicate(String scope) {
		count(scope, "duplicate");
	}

	@Override
	public void waiting(String scope) {
		count(scope, "waiting");
	}

	private void count(String scope, String outcome) {
		Counter counter = this.counters.computeIfAbsent(outcome + '\u0000' + scope, (key) -> {
			MeterRegistry registry = this.registry.getIfAvailable();
			IdempotencyStore store = this.store.getIfAvailable();
			return (registry != null) ? Counter.builder(METER)
				.description("Deliveries by what duplicate suppression decided")
				.tag("outcome", outcome)
				.tag("scope", scope)
				.tag("store", (store != null) ? store.type() : "unknown")
				.register(registry) : NOOP;
		});
		counter.increment();
	}

}
