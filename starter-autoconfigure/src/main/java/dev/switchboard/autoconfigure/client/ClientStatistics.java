package dev.switchboard.autoconfigure.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.switchboard.core.balancer.CallOutcome;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.call.Attempt;
import dev.switchboard.core.call.CallListener;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Counters of one client's calls, attempts (by instance and outcome), retries, hedges, budget refusals and
 * ejections: the one source both the actuator endpoint and the Micrometer meters read. Fed by the client's
 * {@link dev.switchboard.core.call.CallPolicy} as its {@link CallListener}.
 *
 * @author Switchboard
 */
public final class ClientStatistics implements CallListener {

	private final LongAdder calls = new LongAdder();

	private final LongAdder attempts = new LongAdder();

	private final LongAdder retries = new LongAdder();

	private final LongAdder hedges = new LongAdder();

	private final LongAdder cancelled = new LongAdder();

	private final LongAdder budgetRefusals = new LongAdder();

	private final LongAdder hedgesSkipped = new LongAdder();

	private final Map<InstanceOutcome, LongAdder> attemptsByOutcome = new ConcurrentHashMap<>();

	/**
	 * The same counters by instance, then by outcome ordinal: the path every attempt takes looks them up without
	 * allocating a key or hashing a record (a profile of the overhead benchmark found both on every call).
	 */
	private final Map<String, LongAdder[]> attemptsByInstance = new ConcurrentHashMap<>();

	private static final CallOutcome[] OUTCOMES = CallOutcome.values();

	private final Map<String, LongAdder> ejections = new ConcurrentHashMap<>();

	private final List<Consumer<InstanceOutcome>> seriesListeners = new CopyOnWriteArrayList<>();

	/** Records a call (however many attempts it takes). */
	public void call() {
		this.calls.increment();
	}

	/** Records an attempt on one instance. */
	public void attempt() {
		this.attempts.increment();
	}

	/** Records a retry on another instance. */
	public void retry() {
		this.retries.increment();
	}

	/** Records a hedged attempt. */
	public void hedge() {
		this.hedges.increment();
	}

	/** Records an attempt abandoned because another attempt of the call answered first. */
	@Override
	public void cancelled() {
		this.cancelled.increment();
	}

	/** Records a retry or hedge the retry budget refused. */
	public void budgetRefusal() {
		this.budgetRefusals.increment();
	}

	/**
	 * Counts a hedge not sent because every thread of the call executor was busy.
	 */
	@Override
	public void hedgeSkipped() {
		this.hedgesSkipped.increment();
	}

	@Override
	public void callStarted() {
		call();
	}

	@Override
	public @Nullable Object attemptStarted(ServiceInstance instance, int number) {
		attempt();
		return null;
	}

	@Override
	public void attemptEnded(Attempt<?> attempt, long latencyNanos, @Nullable Object token) {
		recordOutcome(LoadBalancer.key(attempt.instance()), attempt.callOutcome());
	}

	/**
	 * Records how an attempt on an instance ended.
	 * @param instance the instance's key
	 * @param outcome the outcome
	 */
	public void recordOutcome(String instance, CallOutcome outcome) {
		LongAdder[] byOutcome = this.attemptsByInstance.get(instance);
		if (byOutcome == null) {
			byOutcome = this.attemptsByInstance.computeIfAbsent(instance, (key) -> new LongAdder[OUTCOMES.length]);
		}
		LongAdder counter = byOutcome[outcome.ordinal()];
		if (counter == null) {
			// First attempt with this outcome on this instance: one counter, shared with the series listeners.
			InstanceOutcome key = new InstanceOutcome(instance, outcome);
			counter = newSeries(this.attemptsByOutcome, key, key);
			byOutcome[outcome.ordinal()] = counter;
		}
		counter.increment();
	}

	@Override
	public void retried(Attempt<?> failed) {
		retry();
	}

	@Override
	public void hedged() {
		hedge();
	}

	@Override
	public void budgetRefused() {
		budgetRefusal();
	}

	@Override
	public void ejected(ServiceInstance instance, CallOutcome outcome) {
		String key = LoadBalancer.key(instance);
		LongAdder counter = this.ejections.get(key);
		if (counter == null) {
			counter = newSeries(this.ejections, key, new InstanceOutcome(key, null));
		}
		counter.increment();
	}

	private <K> LongAdder newSeries(Map<K, LongAdder> counters, K key, InstanceOutcome series) {
		boolean[] created = new boolean[1];
		LongAdder counter = counters.computeIfAbsent(key, (k) -> {
			created[0] = true;
			return new LongAdder();
		});
		if (created[0]) {
			this.seriesListeners.forEach((listener) -> listener.accept(series));
		}
		return counter;
	}

	/**
	 * Calls made.
	 * @return the count
	 */
	public long getCalls() {
		return this.calls.sum();
	}

	/**
	 * Attempts made, retries and hedges included.
	 * @return the count
	 */
	public long getAttempts() {
		return this.attempts.sum();
	}

	/**
	 * Retries made.
	 * @return the count
	 */
	public long getRetries() {
		return this.retries.sum();
	}

	/**
	 * Hedged attempts made.
	 * @return the count
	 */
	public long getHedges() {
		return this.hedges.sum();
	}

	/**
	 * Attempts abandoned after another attempt of the same call answered.
	 * @return the count
	 */
	public long getCancelled() {
		return this.cancelled.sum();
	}

	/**
	 * Retries and hedges refused by the retry budget.
	 * @return the count
	 */
	public long getBudgetRefusals() {
		return this.budgetRefusals.sum();
	}

	/**
	 * Hedges not sent because every thread of the call executor was busy.
	 * @return the count
	 */
	public long getHedgesSkipped() {
		return this.hedgesSkipped.sum();
	}

	/**
	 * Finished attempts by instance and outcome.
	 * @param key the instance and outcome
	 * @return the count
	 */
	public long getAttempts(InstanceOutcome key) {
		LongAdder counter = this.attemptsByOutcome.get(key);
		return (counter != null) ? counter.sum() : 0;
	}

	/**
	 * Times an instance was ejected.
	 * @param instance the instance's key
	 * @return the count
	 */
	public long getEjections(String instance) {
		LongAdder counter = this.ejections.get(instance);
		return (counter != null) ? counter.sum() : 0;
	}

	/**
	 * Ejections of all instances.
	 * @return the count
	 */
	public long getEjections() {
		return this.ejections.values().stream().mapToLong(LongAdder::sum).sum();
	}

	/**
	 * Hands every instance/outcome pair seen so far to {@code listener}, then each new one as it first appears
	 * (an ejection as a pair with no outcome): how meters are registered for series that appear at run time.
	 * @param listener the listener
	 */
	public synchronized void onNewSeries(Consumer<InstanceOutcome> listener) {
		this.seriesListeners.add(listener);
		this.attemptsByOutcome.keySet().forEach(listener);
		this.ejections.keySet().forEach((instance) -> listener.accept(new InstanceOutcome(instance, null)));
	}

	/**
	 * An instance and, for attempts, how they ended.
	 *
	 * @param instance the instance's key ({@code host:port})
	 * @param outcome the outcome, or {@code null} for an ejection
	 */
	public record InstanceOutcome(String instance, @Nullable CallOutcome outcome) {
	}

}
