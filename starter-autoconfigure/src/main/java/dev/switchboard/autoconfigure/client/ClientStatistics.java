package dev.switchboard.autoconfigure.client;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one client's calls, attempts, retries and hedges, for the actuator endpoint and tests.
 *
 * @author Switchboard
 */
public final class ClientStatistics {

	private final LongAdder calls = new LongAdder();

	private final LongAdder attempts = new LongAdder();

	private final LongAdder retries = new LongAdder();

	private final LongAdder hedges = new LongAdder();

	private final LongAdder cancelled = new LongAdder();

	private final LongAdder budgetRefusals = new LongAdder();

	private final LongAdder hedgesSkipped = new LongAdder();

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
	public void hedgeSkipped() {
		this.hedgesSkipped.increment();
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

}
