package dev.switchboard.autoconfigure.client.grpc;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Resolves {@code switchboard://<client>} to the instances discovery knows, from memory, and re-resolves when
 * the discovery cache reports a change. Each address group carries its {@link ServiceInstance} so the load
 * balancing policy can hand instances to Switchboard's balancer.
 *
 * @author Switchboard
 */
final class DiscoveryNameResolver extends NameResolver {

	private final DiscoveryTarget target;

	private final SynchronizationContext syncContext;

	private @Nullable Listener2 listener;

	private @Nullable List<ServiceInstance> published;

	DiscoveryNameResolver(DiscoveryTarget target, SynchronizationContext syncContext) {
		this.target = target;
		this.syncContext = syncContext;
	}

	@Override
	public String getServiceAuthority() {
		return this.target.serviceId();
	}

	@Override
	public void start(Listener2 listener) {
		this.listener = listener;
		this.target.attach(this);
		resolve(this.target.instances());
	}

	@Override
	public void refresh() {
		// Asked by the channel after connection failures: the cache answers from memory, so this is cheap.
		resolve(this.target.instances());
	}

	@Override
	public void shutdown() {
		this.target.attach(null);
		this.listener = null;
	}

	/**
	 * Called from the discovery cache's thread when the instances changed.
	 * @param instances the new instances
	 */
	void publish(List<ServiceInstance> instances) {
		this.syncContext.execute(() -> resolve(instances));
	}

	private void resolve(List<ServiceInstance> instances) {
		Listener2 current = this.listener;
		if (current == null || instances.equals(this.published)) {
			return;
		}
		this.published = instances;
		List<EquivalentAddressGroup> groups = new ArrayList<>(instances.size());
		for (ServiceInstance instance : instances) {
			Attributes attributes = Attributes.newBuilder()
				.set(DiscoveryTarget.INSTANCE, instance)
				// Verify TLS certificates against the instance's host, as REST calls do.
				.set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, instance.getHost())
				.build();
			groups.add(new EquivalentAddressGroup(
					new InetSocketAddress(instance.getHost(), this.target.grpcPort(instance)), attributes));
		}
		current.onResult2(ResolutionResult.newBuilder()
			.setAddressesOrError(StatusOr.fromValue(groups))
			.setAttributes(Attributes.newBuilder().set(DiscoveryTarget.ATTRIBUTE, this.target).build())
			.build());
	}

}
