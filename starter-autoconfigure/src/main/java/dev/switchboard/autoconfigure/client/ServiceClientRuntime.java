package dev.switchboard.autoconfigure.client;

import java.util.List;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.client.ClientSettings.OutlierSettings;
import dev.switchboard.autoconfigure.client.ClientSettings.RetrySettings;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.balancer.OutlierDetector;
import dev.switchboard.core.balancer.P2cEwmaLoadBalancer;
import dev.switchboard.core.call.CallPolicy;
import dev.switchboard.core.resilience.LatencyTracker;
import dev.switchboard.core.resilience.RetryBudget;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The live state of one service client: its balancer, outlier detector, retry budget, backoff, latency
 * tracker, method policies and the {@link CallPolicy} that runs its calls over every protocol. Shared by the
 * transports and read by the actuator endpoint and the meters.
 *
 * @author Switchboard
 */
public final class ServiceClientRuntime {

	private final ClientSettings settings;

	private final LoadBalancer balancer;

	private final @Nullable OutlierDetector outlierDetector;

	private final RetryBudget retryBudget;

	private final BackOff backOff;

	private final CallPolicy callPolicy;

	private final LatencyTracker latencies;

	private final MethodPolicies policies;

	private final ClientStatistics statistics = new ClientStatistics();

	/**
	 * Creates the runtime of a client from its settings.
	 * @param settings the client's settings
	 * @param policies the policies of its methods
	 */
	public ServiceClientRuntime(ClientSettings settings, MethodPolicies policies) {
		this(settings, policies, ClientBalancers.NO_ZONE, null);
	}

	/**
	 * Creates the runtime of a client from its settings, with a balancer made by {@code balancers}.
	 * @param settings the client's settings
	 * @param policies the policies of its methods
	 * @param balancers creates the client's balancer (zone-aware when the application has a zone)
	 * @param hedgeExecutor runs hedged attempts, or {@code null} if the client's transport does not hedge
	 */
	public ServiceClientRuntime(ClientSettings settings, MethodPolicies policies, ClientBalancers balancers,
			@Nullable Executor hedgeExecutor) {
		this.settings = settings;
		this.policies = policies;
		OutlierSettings outlier = settings.outlier();
		this.outlierDetector = outlier.enabled() ? new OutlierDetector(new OutlierDetector.Config(
				outlier.consecutiveFailures(), outlier.ejection(), outlier.maxEjection(), outlier.maxEjectedPercent()))
				: null;
		this.balancer = balancers.create(settings, this.outlierDetector);
		RetrySettings retry = settings.retry();
		this.retryBudget = new RetryBudget(retry.budgetWindow(), retry.budgetMinPerSecond(), retry.budgetPercent());
		this.backOff = backOff(retry);
		this.latencies = new LatencyTracker(1024, settings.hedge().percentile());
		CallPolicy.Builder policy = CallPolicy.builder(this.balancer)
			.outliers(this.outlierDetector)
			.budget(this.retryBudget)
			.backOff(this.backOff)
			.maxAttempts(retry.maxAttempts())
			.listener(this.statistics);
		if (hedgeExecutor != null) {
			policy.hedging(hedgeExecutor, settings.hedge().delay(), this.latencies);
		}
		else {
			policy.latencies(this.latencies);
		}
		this.callPolicy = policy.build();
	}

	/**
	 * Spring's exponential backoff with jitter: retry {@code n} waits {@code backoff * multiplier^(n-1)}
	 * (capped at {@code max-backoff}) give or take half of it, never less than {@code backoff}, so clients that
	 * failed together do not retry together. The policy counts attempts itself.
	 */
	private static BackOff backOff(RetrySettings retry) {
		long initial = Math.max(1, retry.backoff().toMillis());
		ExponentialBackOff backOff = new ExponentialBackOff(initial, retry.multiplier());
		backOff.setMaxInterval(Math.max(initial, retry.maxBackoff().toMillis()));
		backOff.setJitter(initial / 2);
		return backOff;
	}

	/**
	 * The client's settings.
	 * @return the settings
	 */
	public ClientSettings getSettings() {
		return this.settings;
	}

	/**
	 * The client's load balancer.
	 * @return the balancer
	 */
	public LoadBalancer getBalancer() {
		return this.balancer;
	}

	/**
	 * The client's outlier detector.
	 * @return the detector, or {@code null} when ejection is off
	 */
	public @Nullable OutlierDetector getOutlierDetector() {
		return this.outlierDetector;
	}

	/**
	 * The client's retry budget (hedges draw from it too).
	 * @return the budget
	 */
	public RetryBudget getRetryBudget() {
		return this.retryBudget;
	}

	/**
	 * The client's retry backoff.
	 * @return the backoff
	 */
	public BackOff getBackOff() {
		return this.backOff;
	}

	/**
	 * The policy every call of the client runs by, over REST and gRPC alike.
	 * @return the policy
	 */
	public CallPolicy getCallPolicy() {
		return this.callPolicy;
	}

	/**
	 * The client's recent call latencies.
	 * @return the tracker
	 */
	public LatencyTracker getLatencies() {
		return this.latencies;
	}

	/**
	 * The policies of the client's methods.
	 * @return the policies
	 */
	public MethodPolicies getPolicies() {
		return this.policies;
	}

	/**
	 * Counters of the client's calls.
	 * @return the statistics
	 */
	public ClientStatistics getStatistics() {
		return this.statistics;
	}

	/**
	 * Forgets per-instance state of instances discovery no longer lists.
	 * @param instances the current instances
	 */
	public void retainInstances(List<ServiceInstance> instances) {
		if (ClientBalancers.unwrap(this.balancer) instanceof P2cEwmaLoadBalancer p2c) {
			p2c.retainAll(instances);
		}
		if (this.outlierDetector != null) {
			this.outlierDetector.retainAll(instances);
		}
	}

}
