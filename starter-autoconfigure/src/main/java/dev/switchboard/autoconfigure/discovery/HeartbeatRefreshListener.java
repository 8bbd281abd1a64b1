package dev.switchboard.autoconfigure.discovery;

import org.jspecify.annotations.Nullable;

import dev.switchboard.core.discovery.CachingServiceDiscovery;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.client.discovery.event.HeartbeatMonitor;
import org.springframework.context.ApplicationListener;

/**
 * Refreshes Switchboard's discovery cache when the backend's own watch reports a change through a Spring Cloud
 * {@link HeartbeatEvent} (Consul's catalog watch, Eureka's registry fetch), so changes arrive without waiting
 * for {@code switchboard.discovery.refresh-interval}.
 *
 * @author Switchboard
 */
final class HeartbeatRefreshListener implements ApplicationListener<HeartbeatEvent>, SmartInitializingSingleton {

	private final Class<?> sourceType;

	private final ObjectProvider<ServiceDiscovery> discovery;

	private final HeartbeatMonitor monitor = new HeartbeatMonitor();

	private volatile @Nullable CachingServiceDiscovery target;

	/**
	 * Creates a listener for the events of one backend.
	 * @param sourceType the type of the event source that belongs to the chosen backend
	 * @param discovery the discovery view to refresh
	 */
	HeartbeatRefreshListener(Class<?> sourceType, ObjectProvider<ServiceDiscovery> discovery) {
		this.sourceType = sourceType;
		this.discovery = discovery;
	}

	@Override
	public void afterSingletonsInstantiated() {
		// Resolved only now: watch threads publish events while the context is still creating singletons, and
		// creating the cache from such a thread would race the main thread.
		if (this.discovery.getIfAvailable() instanceof CachingServiceDiscovery caching) {
			this.target = caching;
		}
	}

	@Override
	public void onApplicationEvent(HeartbeatEvent event) {
		CachingServiceDiscovery caching = this.target;
		if (caching == null || !this.sourceType.isInstance(event.getSource())) {
			return;
		}
		// Consul's watch publishes after every blocking query, changed or not: only a new index means a change.
		if (this.monitor.update(event.getValue())) {
			caching.refresh();
		}
	}

}
