package dev.switchboard.sample.order;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;

/**
 * What the order service saw, for the demo's summary: calls answered per protocol and instance, failed calls
 * (idempotent ones, which Switchboard retries on another instance, apart from non-idempotent ones, which it
 * must not retry), and events published.
 *
 * @author Switchboard
 */
@Component
class CallStatistics {

	private final Map<String, Map<String, AtomicLong>> answered = new ConcurrentHashMap<>();

	private final AtomicLong idempotentFailures = new AtomicLong();

	private final AtomicLong nonIdempotentFailures = new AtomicLong();

	private final AtomicLong published = new AtomicLong();

	private final AtomicLong publishFailures = new AtomicLong();

	void answered(String protocol, String instance) {
		this.answered.computeIfAbsent(protocol, (key) -> new ConcurrentHashMap<>())
			.computeIfAbsent(instance, (key) -> new AtomicLong())
			.incrementAndGet();
	}

	void failed(boolean idempotent) {
		(idempotent ? this.idempotentFailures : this.nonIdempotentFailures).incrementAndGet();
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
				this.published.get(), this.publishFailures.get());
	}

	record Snapshot(Map<String, Map<String, Long>> answered, long idempotentFailures, long nonIdempotentFailures,
			long published, long publishFailures) {
	}

}
