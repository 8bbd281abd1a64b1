package dev.switchboard.autoconfigure.discovery;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.switchboard.core.discovery.CachingServiceDiscovery;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Health of the discovery backend that feeds Switchboard's clients, contributed as {@code switchboardDiscovery}:
 * DOWN with the backend, the start and the cause of the outage while the backend fails (calls then use the last
 * known instances for up to {@code switchboard.discovery.max-stale}); UP with the backend and the number of
 * known services and instances otherwise. It reads the cache only and never calls the backend.
 *
 * @author Switchboard
 */
public final class DiscoveryHealthIndicator implements HealthIndicator {

	private final CachingServiceDiscovery discovery;

	/**
	 * Creates an indicator for a discovery cache.
	 * @param discovery the cache whose backend is reported
	 */
	public DiscoveryHealthIndicator(CachingServiceDiscovery discovery) {
		this.discovery = discovery;
	}

	@Override
	public Health health() {
		Map<String, List<ServiceInstance>> snapshot = this.discovery.snapshot();
		int instances = snapshot.values().stream().mapToInt(List::size).sum();
		Health.Builder builder = new Health.Builder().withDetail("backend", this.discovery.backend());
		if (this.discovery.isBackendAvailable()) {
			return builder.up().withDetail("services", snapshot.size()).withDetail("instances", instances).build();
		}
		Instant since = this.discovery.getOutageStart();
		Throwable cause = this.discovery.getOutageCause();
		builder.down().withDetail("outageSince", String.valueOf(since));
		if (cause != null) {
			builder.withDetail("cause", cause.getClass().getName() + ": " + cause.getMessage());
		}
		return builder.withDetail("services", snapshot.size()).withDetail("staleInstances", instances).build();
	}

}
