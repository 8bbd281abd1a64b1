package dev.switchboard.autoconfigure.discovery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.switchboard.core.discovery.CachingServiceDiscovery;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Health of the discovery backend that feeds Switchboard's clients, contributed as {@code switchboardDiscovery}.
 * UP with the backend and the number of known services and instances while the backend answers. DOWN during an
 * outage (the backend failed or did not answer within the lookup timeout), with when the outage started, how long
 * it has lasted, the most recent error and the instances calls keep using meanwhile.
 * <p>
 * It reads the cache only and never calls the backend, so it answers at once even when the registry hangs. It
 * is part of {@code /actuator/health} but, like every indicator, of no liveness or readiness group unless the
 * application adds it: a registry outage must not take instances out of rotation, since calls go on with the
 * last known instances.
 *
 * @author Switchboard
 */
public final class DiscoveryHealthIndicator implements HealthIndicator {

	private final CachingServiceDiscovery discovery;

	private final Clock clock;

	/**
	 * Creates an indicator for a discovery cache.
	 * @param discovery the cache whose backend is reported
	 */
	public DiscoveryHealthIndicator(CachingServiceDiscovery discovery) {
		this(discovery, Clock.systemUTC());
	}

	DiscoveryHealthIndicator(CachingServiceDiscovery discovery, Clock clock) {
		this.discovery = discovery;
		this.clock = clock;
	}

	@Override
	public Health health() {
		Map<String, List<ServiceInstance>> snapshot = this.discovery.snapshot();
		int instances = snapshot.values().stream().mapToInt(List::size).sum();
		Health.Builder builder = new Health.Builder().withDetail("backend", this.discovery.backend());
		Instant since = this.discovery.getOutageStart();
		if (since == null) {
			return builder.up().withDetail("services", snapshot.size()).withDetail("instances", instances).build();
		}
		builder.down()
			.withDetail("outageSince", since.toString())
			.withDetail("outageDuration", Duration.between(since, this.clock.instant()).withNanos(0).toString());
		Throwable cause = this.discovery.getOutageCause();
		if (cause != null) {
			builder.withDetail("lastError", cause.getClass().getName() + ": " + cause.getMessage());
		}
		Duration maxStale = this.discovery.getMaxStale();
		return builder.withDetail("services", snapshot.size())
			.withDetail("instancesKept", instances)
			.withDetail("instancesKeptFor", (maxStale != null) ? "up to " + maxStale : "the whole outage")
			.build();
	}

}
