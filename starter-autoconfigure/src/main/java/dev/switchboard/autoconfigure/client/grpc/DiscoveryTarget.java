package dev.switchboard.autoconfigure.client.grpc;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.NameResolver;
import org.jspecify.annotations.Nullable;

import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.discovery.CachingServiceDiscovery;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.cloud.client.ServiceInstance;

/**
 * What a {@code switchboard://<client>} channel resolves and balances: the service in discovery, the client's
 * balancer and the fallback gRPC port. Handed to the name resolver as a channel argument (so several
 * application contexts in one JVM never share state through grpc's global registries) and to the load balancing
 * policy as a resolution attribute.
 *
 * @author Switchboard
 */
final class DiscoveryTarget {

	/** Scheme of discovery-backed targets. */
	static final String SCHEME = "switchboard";

	/** Instance metadata key under which instances publish their gRPC port. */
	static final String GRPC_PORT_METADATA = "grpc-port";

	static final NameResolver.Args.Key<DiscoveryTarget> ARG = NameResolver.Args.Key.create("switchboard-target");

	static final Attributes.Key<DiscoveryTarget> ATTRIBUTE = Attributes.Key.create("switchboard-target");

	/** The discovered instance behind an address group. */
	static final Attributes.Key<ServiceInstance> INSTANCE = Attributes.Key.create("switchboard-instance");

	/** Lets a caller learn which instance served its call, for error messages. */
	static final CallOptions.Key<AtomicReference<@Nullable ServiceInstance>> CHOSEN_INSTANCE = CallOptions.Key
		.create("switchboard-chosen-instance");

	/**
	 * The instance the call policy chose for this attempt: the picker sends the call there when it is ready
	 * (else to another ready one, named in {@link #CHOSEN_INSTANCE}), and leaves reporting to the policy.
	 */
	static final CallOptions.Key<@Nullable ServiceInstance> PINNED_INSTANCE = CallOptions.Key
		.create("switchboard-pinned-instance");

	/** Set when the attempt's request headers reached a transport: a failure before that never left. */
	static final CallOptions.Key<@Nullable AtomicBoolean> REQUEST_SENT = CallOptions.Key
		.create("switchboard-request-sent");

	private final String clientName;

	private final String serviceId;

	private final ServiceDiscovery discovery;

	private final LoadBalancer balancer;

	private final @Nullable Integer fallbackPort;

	private volatile @Nullable DiscoveryNameResolver resolver;

	DiscoveryTarget(String clientName, String serviceId, ServiceDiscovery discovery, LoadBalancer balancer,
			@Nullable Integer fallbackPort) {
		this.clientName = clientName;
		this.serviceId = serviceId;
		this.discovery = discovery;
		this.balancer = balancer;
		this.fallbackPort = fallbackPort;
		if (discovery instanceof CachingServiceDiscovery caching) {
			// One listener per channel for the life of the context: grpc creates a new resolver each time an
			// idle channel wakes up, and the cache has no way to remove listeners.
			caching.addListener(this::instancesChanged);
		}
	}

	String target() {
		return SCHEME + "://" + this.clientName;
	}

	String clientName() {
		return this.clientName;
	}

	String serviceId() {
		return this.serviceId;
	}

	ServiceDiscovery discovery() {
		return this.discovery;
	}

	LoadBalancer balancer() {
		return this.balancer;
	}

	List<ServiceInstance> instances() {
		return this.discovery.getInstances(this.serviceId);
	}

	/**
	 * The port gRPC calls to an instance use: its {@code grpc-port} metadata, else the client's
	 * {@code grpc.port}, else the instance port.
	 * @param instance the instance
	 * @return the port
	 */
	int grpcPort(ServiceInstance instance) {
		Map<String, String> metadata = instance.getMetadata();
		String published = (metadata != null) ? metadata.get(GRPC_PORT_METADATA) : null;
		if (published != null) {
			try {
				return Integer.parseInt(published.trim());
			}
			catch (NumberFormatException ex) {
				// A bad value from one instance must not break the others: fall through.
			}
		}
		return (this.fallbackPort != null) ? this.fallbackPort : instance.getPort();
	}

	void attach(@Nullable DiscoveryNameResolver resolver) {
		this.resolver = resolver;
	}

	private void instancesChanged(String serviceId, List<ServiceInstance> instances) {
		DiscoveryNameResolver current = this.resolver;
		if (current != null && serviceId.equals(this.serviceId)) {
			current.publish(instances);
		}
	}

	@Override
	public String toString() {
		return target() + " (service '" + this.serviceId + "', " + this.balancer + ")";
	}

}
