package dev.switchboard.core.call;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.balancer.OutlierDetector;
import dev.switchboard.core.resilience.LatencyTracker;
import dev.switchboard.core.resilience.RetryBudget;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.util.backoff.BackOff;

/**
 * The rules one client's calls follow, whatever the protocol: which instance an attempt goes to (outliers and
 * instances already tried left out, then the balancer's choice), whether a failed attempt is repeated (see
 * {@link #mayRetry}), how long to wait first (a Spring {@link BackOff}), whether the retry budget allows it,
 * and when a slow attempt is hedged. Immutable and shared by every call of the client; the state it refers to
 * (balancer, detector, budget, latencies) is thread-safe. {@link CallExecution} runs a call by these rules.
 *
 * @author Switchboard
 */
public final class CallPolicy {

	private final LoadBalancer balancer;

	private final @Nullable OutlierDetector outliers;

	private final RetryBudget budget;

	private final BackOff backOff;

	private final int maxAttempts;

	private final @Nullable Duration hedgeDelay;

	private final @Nullable LatencyTracker latencies;

	private final @Nullable Executor hedgeExecutor;

	private final CallListener listener;

	private CallPolicy(Builder builder) {
		this.balancer = Objects.requireNonNull(builder.balancer, "balancer");
		this.outliers = builder.outliers;
		this.budget = Objects.requireNonNull(builder.budget, "budget");
		this.backOff = Objects.requireNonNull(builder.backOff, "backOff");
		this.maxAttempts = builder.maxAttempts;
		this.hedgeDelay = builder.hedgeDelay;
		this.latencies = builder.latencies;
		this.hedgeExecutor = builder.hedgeExecutor;
		this.listener = builder.listener;
	}

	/**
	 * Starts a policy around a client's balancer.
	 * @param balancer the balancer choosing instances
	 * @return a builder
	 */
	public static Builder builder(LoadBalancer balancer) {
		return new Builder(balancer);
	}

	/**
	 * The most attempts a call may make. A call that is not idempotent may still make them all, but only while
	 * its requests never leave (see {@link #mayRetry}).
	 * @return the most attempts, at least 1
	 */
	public int maxAttempts() {
		return this.maxAttempts;
	}

	/**
	 * Whether a failed attempt may be repeated on another instance, before the budget is asked:
	 * <ul>
	 * <li>{@link AttemptOutcome#NOT_SENT}: always, the request never reached a server;</li>
	 * <li>{@link AttemptOutcome#FAILED_AFTER_SEND}: only for idempotent calls;</li>
	 * <li>{@link AttemptOutcome#RESPONSE}: only for idempotent calls, and only for a retryable status;</li>
	 * <li>{@link AttemptOutcome#FINAL}: never.</li>
	 * </ul>
	 * @param attempt the failed attempt
	 * @param idempotent whether the call is idempotent
	 * @return {@code true} if another attempt may be made
	 */
	public boolean mayRetry(Attempt<?> attempt, boolean idempotent) {
		return switch (attempt.outcome()) {
			case NOT_SENT -> true;
			case FAILED_AFTER_SEND -> idempotent;
			case RESPONSE -> idempotent && attempt.retryableStatus();
			case FINAL -> false;
		};
	}

	/**
	 * Takes a retry or hedge from the budget, telling the listener when the budget refuses.
	 * @return {@code true} if it may be sent
	 */
	boolean withdraw() {
		if (this.budget.tryWithdraw()) {
			return true;
		}
		this.listener.budgetRefused();
		return false;
	}

	/**
	 * Chooses the instance of an attempt: ejected instances are left out (unless all are), then those already
	 * tried by this call (unless no other is left), then the balancer chooses.
	 * @param instances the instances discovery lists, never empty
	 * @param tried the instances this call already tried, or {@code null}
	 * @return the instance
	 */
	public ServiceInstance choose(List<ServiceInstance> instances, @Nullable List<ServiceInstance> tried) {
		List<ServiceInstance> candidates = (this.outliers != null) ? this.outliers.filter(instances) : instances;
		if (tried != null && !tried.isEmpty()) {
			List<ServiceInstance> untried = untried(candidates, tried);
			if (untried.isEmpty() && candidates != instances) {
				untried = untried(instances, tried);
			}
			if (!untried.isEmpty()) {
				candidates = untried;
			}
		}
		return this.balancer.choose(candidates);
	}

	private static List<ServiceInstance> untried(List<ServiceInstance> instances, List<ServiceInstance> tried) {
		List<ServiceInstance> untried = new ArrayList<>(instances.size());
		for (ServiceInstance instance : instances) {
			if (!containsKey(tried, LoadBalancer.key(instance))) {
				untried.add(instance);
			}
		}
		return untried;
	}

	private static boolean containsKey(List<ServiceInstance> instances, String key) {
		for (ServiceInstance instance : instances) {
			if (LoadBalancer.key(instance).equals(key)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * How long to wait before a hedge: the fixed delay, else the tracked latency percentile.
	 * @return the delay, or {@code null} when hedging is off or too few calls were seen
	 */
	@Nullable Duration hedgeDelay() {
		if (this.hedgeExecutor == null) {
			return null;
		}
		if (this.hedgeDelay != null) {
			return this.hedgeDelay;
		}
		return (this.latencies != null) ? this.latencies.percentile() : null;
	}

	LoadBalancer balancer() {
		return this.balancer;
	}

	@Nullable OutlierDetector outliers() {
		return this.outliers;
	}

	RetryBudget budget() {
		return this.budget;
	}

	BackOff backOff() {
		return this.backOff;
	}

	@Nullable LatencyTracker latencies() {
		return this.latencies;
	}

	@Nullable Executor hedgeExecutor() {
		return this.hedgeExecutor;
	}

	CallListener listener() {
		return this.listener;
	}

	@Override
	public String toString() {
		return "CallPolicy[maxAttempts=" + this.maxAttempts + ", balancer=" + this.balancer + ", backOff="
				+ this.backOff + ", budget=" + this.budget + ", hedgeDelay="
				+ ((this.hedgeDelay != null) ? this.hedgeDelay : (this.latencies != null) ? "percentile" : "off") + "]";
	}

	/**
	 * Builds a {@link CallPolicy}.
	 */
	public static final class Builder {

		private final LoadBalancer balancer;

		private @Nullable OutlierDetector outliers;

		private RetryBudget budget = new RetryBudget();

		private BackOff backOff = new org.springframework.util.backoff.FixedBackOff(0);

		private int maxAttempts = 1;

		private @Nullable Duration hedgeDelay;

		private @Nullable LatencyTracker latencies;

		private @Nullable Executor hedgeExecutor;

		private CallListener listener = CallListener.NONE;

		private Builder(LoadBalancer balancer) {
			this.balancer = Objects.requireNonNull(balancer, "balancer");
		}

		/**
		 * Ejects instances that fail in a row; none by default.
		 * @param outliers the detector, or {@code null}
		 * @return this builder
		 */
		public Builder outliers(@Nullable OutlierDetector outliers) {
			this.outliers = outliers;
			return this;
		}

		/**
		 * The retry budget retries and hedges draw from; {@link RetryBudget#RetryBudget() the defaults} if not set.
		 * @param budget the budget
		 * @return this builder
		 */
		public Builder budget(RetryBudget budget) {
			this.budget = Objects.requireNonNull(budget, "budget");
			return this;
		}

		/**
		 * The wait before each retry; none by default. Its own attempt limit, if any, also ends the retries.
		 * @param backOff the backoff, such as Spring's {@code ExponentialBackOff} with jitter
		 * @return this builder
		 */
		public Builder backOff(BackOff backOff) {
			this.backOff = Objects.requireNonNull(backOff, "backOff");
			return this;
		}

		/**
		 * The most attempts per call, the first included; 1 (no retries) by default.
		 * @param maxAttempts at least 1
		 * @return this builder
		 */
		public Builder maxAttempts(int maxAttempts) {
			if (maxAttempts < 1) {
				throw new IllegalArgumentException("maxAttempts must be at least 1 but was " + maxAttempts);
			}
			this.maxAttempts = maxAttempts;
			return this;
		}

		/**
		 * Hedges slow attempts of hedged calls on another instance, after a fixed delay or, when {@code delay} is
		 * {@code null}, after the percentile the tracker answers. Hedging is off unless this is called.
		 * @param executor runs the racing attempts; it must refuse work at once when full, never queue it
		 * @param delay the fixed delay, or {@code null}
		 * @param latencies the tracker of recent latencies, fed with every answered attempt
		 * @return this builder
		 */
		public Builder hedging(Executor executor, @Nullable Duration delay, LatencyTracker latencies) {
			this.hedgeExecutor = Objects.requireNonNull(executor, "executor");
			this.hedgeDelay = delay;
			this.latencies = Objects.requireNonNull(latencies, "latencies");
			return this;
		}

		/**
		 * Records the latency of answered attempts without hedging, for diagnostics.
		 * @param latencies the tracker
		 * @return this builder
		 */
		public Builder latencies(@Nullable LatencyTracker latencies) {
			this.latencies = latencies;
			return this;
		}

		/**
		 * Hears what the policy does; nothing by default.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(CallListener listener) {
			this.listener = Objects.requireNonNull(listener, "listener");
			return this;
		}

		/**
		 * Builds the policy.
		 * @return the policy
		 */
		public CallPolicy build() {
			return new CallPolicy(this);
		}

	}

}
