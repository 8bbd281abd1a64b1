package dev.switchboard.autoconfigure.client;

import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.client.ClientSettings.ZoneAffinitySettings;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.balancer.OutlierDetector;
import dev.switchboard.core.balancer.ZoneAffinity;
import dev.switchboard.core.balancer.ZoneAwareLoadBalancer;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Creates the balancer of each client, for every transport alike (REST, gRPC channels, Spring Cloud
 * LoadBalancer): the algorithm of {@code load-balancer}, behind a {@link ZoneAwareLoadBalancer} when the
 * application has a zone of its own and the client's {@code zone-affinity} is on.
 *
 * @author Switchboard
 */
public final class ClientBalancers {

	/** Creates plain balancers: the application has no zone. */
	public static final ClientBalancers NO_ZONE = new ClientBalancers(null, null);

	private final @Nullable String localZone;

	private final @Nullable ServiceDiscovery discovery;

	/**
	 * Creates the factory.
	 * @param localZone the zone this application runs in, or {@code null}
	 * @param discovery the discovery whose full instance lists count the local zone's instances, or {@code null}
	 * to count only the instances a call is offered
	 */
	public ClientBalancers(@Nullable String localZone, @Nullable ServiceDiscovery discovery) {
		this.localZone = localZone;
		this.discovery = discovery;
	}

	/**
	 * The zone this application runs in.
	 * @return the zone, or {@code null}
	 */
	public @Nullable String getLocalZone() {
		return this.localZone;
	}

	/**
	 * Creates the balancer of a client.
	 * @param settings the client's settings
	 * @param outliers the client's outlier detector, whose ejections count as unhealthy, or {@code null}
	 * @return a new balancer
	 */
	public LoadBalancer create(ClientSettings settings, @Nullable OutlierDetector outliers) {
		LoadBalancer balancer = settings.loadBalancer().create();
		ZoneAffinitySettings affinity = settings.zoneAffinity();
		if (this.localZone == null || !affinity.enabled()) {
			return balancer;
		}
		ServiceDiscovery instances = this.discovery;
		String serviceId = settings.serviceId();
		// A memory read: the discovery cache answers from its last refresh.
		Supplier<List<ServiceInstance>> population = (instances != null)
				? () -> instances.getInstances(serviceId) : null;
		return new ZoneAwareLoadBalancer(balancer, this.localZone,
				new ZoneAffinity(affinity.minInstances(), affinity.minHealthyPercent()), outliers, population);
	}

	/**
	 * The balancer that keeps per-instance state (scores), behind the zone layer if there is one.
	 * @param balancer a balancer made by {@link #create}
	 * @return the algorithm's balancer
	 */
	public static LoadBalancer unwrap(LoadBalancer balancer) {
		return (balancer instanceof ZoneAwareLoadBalancer zoned) ? zoned.getDelegate() : balancer;
	}

}
