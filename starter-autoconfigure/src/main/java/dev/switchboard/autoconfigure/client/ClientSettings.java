package dev.switchboard.autoconfigure.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The effective settings of one service client, after inheritance from {@code switchboard.client-defaults}.
 *
 * @param name the client name
 * @param serviceId the service id looked up in discovery
 * @param url fixed base URL that bypasses discovery, or {@code null}
 * @param loadBalancer the load balancer type
 * @param connectTimeout the connect timeout, or {@code null} to use Spring Boot's HTTP client settings
 * @param readTimeout the read timeout, or {@code null} to use Spring Boot's HTTP client settings
 * @param retry the retry settings
 * @param outlier the outlier ejection settings
 * @param hedge the hedging settings
 * @param resilience the Resilience4j switches
 * @param methods per-method settings by method name
 * @param protocol the protocol of the calls
 * @param tlsBundle the SSL bundle securing the calls, or {@code null} for plaintext
 * @param grpcPort the gRPC port of instances that publish none, or {@code null} for the instance's port
 * @param grpcIdempotentMethods generated-stub methods retried after their request was sent, besides those whose
 * proto declares an idempotency level
 * @param zoneAffinity the preference for instances in the application's own zone
 * @author Switchboard
 */
public record ClientSettings(String name, String serviceId, @Nullable URI url, LoadBalancerType loadBalancer,
		@Nullable Duration connectTimeout, @Nullable Duration readTimeout, RetrySettings retry,
		OutlierSettings outlier, HedgeSettings hedge, ResilienceSettings resilience,
		Map<String, MethodSettings> methods, ClientProtocol protocol, @Nullable String tlsBundle,
		@Nullable Integer grpcPort, List<String> grpcIdempotentMethods, ZoneAffinitySettings zoneAffinity) {

	/**
	 * Preference for instances in the application's own zone.
	 *
	 * @param enabled whether calls prefer the own zone (when the application has one)
	 * @param minInstances healthy instances the own zone needs to take any call on its own
	 * @param minHealthyPercent healthy share of the own zone needed for it to take every call
	 */
	public record ZoneAffinitySettings(boolean enabled, int minInstances, int minHealthyPercent) {

		/** Default healthy instances needed. */
		public static final int DEFAULT_MIN_INSTANCES = 1;

		/** Default healthy share needed, in percent. */
		public static final int DEFAULT_MIN_HEALTHY_PERCENT = 70;

	}

	/**
	 * Retry settings.
	 *
	 * @param maxAttempts maximum attempts, the first included
	 * @param backoff delay before the first retry
	 * @param multiplier delay growth
	 * @param maxBackoff longest delay
	 * @param statuses retried response statuses
	 * @param budgetPercent retries as a share of requests
	 * @param budgetMinPerSecond retries allowed every second
	 * @param budgetWindow sliding window of the budget
	 */
	public record RetrySettings(int maxAttempts, Duration backoff, double multiplier, Duration maxBackoff,
			List<Integer> statuses, double budgetPercent, int budgetMinPerSecond, Duration budgetWindow) {
	}

	/**
	 * Outlier ejection settings.
	 *
	 * @param enabled whether ejection is on
	 * @param consecutiveFailures failures that eject
	 * @param ejection first ejection time
	 * @param maxEjection longest ejection
	 * @param maxEjectedPercent largest share ejected at once
	 */
	public record OutlierSettings(boolean enabled, int consecutiveFailures, Duration ejection, Duration maxEjection,
			int maxEjectedPercent) {
	}

	/**
	 * Hedging settings.
	 *
	 * @param enabled whether idempotent calls are hedged
	 * @param delay fixed hedge delay, or {@code null} to use the percentile
	 * @param percentile latency percentile used as the delay
	 */
	public record HedgeSettings(boolean enabled, @Nullable Duration delay, double percentile) {
	}

	/**
	 * Resilience4j switches.
	 *
	 * @param circuitBreaker circuit breaker on
	 * @param bulkhead bulkhead on
	 * @param rateLimiter rate limiter on
	 * @param timeLimiter time limiter on
	 */
	public record ResilienceSettings(boolean circuitBreaker, boolean bulkhead, boolean rateLimiter,
			boolean timeLimiter) {
	}

	/**
	 * Settings of one method from configuration.
	 *
	 * @param timeout read timeout of the method, or {@code null} for the client's
	 * @param hedge hedging of the method, or {@code null} for the client's
	 */
	public record MethodSettings(@Nullable Duration timeout, @Nullable Boolean hedge) {
	}

}
