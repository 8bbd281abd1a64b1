package dev.switchboard.sample.order;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;

/**
 * What the order service saw, for the demo's summary: calls answered per protocol and instance, failed calls
 * (idempotent ones, which Switchboard retries on another instance, apart from non-idempotent ones, which it
 * must not retry once sent), and events published. Failures are also split by whether the request had left:
 * a non-idempotent call that failed after its request was sent (in flight when an instance died) is the only
 * failure Switchboard may not mend; every other one (idempotent, or never sent) counts as "other".
 *
 * @author Switchboard
 */
@Component
class CallStatistics {

	private final Map<String, Map<String, AtomicLong>> answered = new ConcurrentHashMap<>();

	private final AtomicLong idempotentFailures = new AtomicLong();

	private final AtomicLong nonIdempotentFailures = new AtomicLong();

	private final AtomicLong inFlightFailures = new AtomicLong();

	private final AtomicLong otherFailures = new AtomicLong();

	private final AtomicLong published = new AtomicLong();

	private final AtomicLong publishFailures = new AtomicLong();

	void answered(String protocol, String instance) {
		this.answered.computeIfAbsent(protocol, (key) -> new ConcurrentHashMap<>())
			.computeIfAbsent(instance, (key) -> new AtomicLong())
			.incrementAndGet();
	}

	void failed(boolean idempotent, boolean sent) {
		(idempotent ? this.idempotentFailures : this.nonIdempotentFailures).incrementAndGet();
		((!idempotent && sent) ? this.inFlightFailures : this.otherFailures).incrementAndGet();
	}

	void published(boolean acknowledged) {
		(acknowledged ? this.published : this.publishFailures).incrementAndGet();
	}

	Snapshot snapshot() {
		Map<String, Map<String, Long>> answered = new TreeMap<>();
		this.answered.forEach((protocol, instances) -> {
			Map<String, Long> counts = new TreeMap<>();
			instances.forEach((instance, count) -> counts.put(instance, count.get()));
			answered.put(protocol, counts);
		});
		return new Snapshot(answered, this.idempotentFailures.get(), this.nonIdempotentFailures.get(),
				this.inFlightFailures.get(), this.otherFailures.get(), this.published.get(), this.publishFailures.get());
	}

	record Snapshot(Map<String, Map<String, Long>> answered, long idempotentFailures, long nonIdempotentFailures,
			long inFlightFailures, long otherFailures, long published, long publishFailures) {
	}

}
