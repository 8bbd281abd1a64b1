package dev.switchboard.autoconfigure.client;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.switchboard.autoconfigure.discovery.DiscoveryProperties;
import dev.switchboard.autoconfigure.discovery.DiscoveryType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Warns at startup about client configuration that starts but cannot do what it seems to say:
 * <ul>
 * <li>{@code switchboard.clients.<name>} entries that no {@code @ServiceClient} interface uses: usually a typo in
 * the name, which would otherwise silently leave the real client on defaults;</li>
 * <li>a {@code @ServiceClient} whose service has no instance in the static discovery list: every call would
 * fail with "no instance";</li>
 * <li>a gRPC client whose static instance URLs have a path, which gRPC cannot use.</li>
 * </ul>
 *
 * @author Switchboard
 */
final class UnusedClientConfigurationReporter implements SmartInitializingSingleton, BeanFactoryAware {

	private static final Log logger = LogFactory.getLog(UnusedClientConfigurationReporter.class);

	private final ServiceClientProperties properties;

	private final ServiceClientRegistry registry;

	private @Nullable BeanFactory beanFactory;

	UnusedClientConfigurationReporter(ServiceClientProperties properties, ServiceClientRegistry registry) {
		this.properties = properties;
		this.registry = registry;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		// Discovery properties are optional here (no Spring Cloud Commons, no discovery), so they are looked up
		// rather than injected.
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Set<String> known = new TreeSet<>(this.registry.getInterfacesByClient().keySet());
		for (String name : this.properties.getClients().keySet()) {
			if (!known.contains(name)) {
				logger.warn("Property 'switchboard.clients." + name + "' configures a client that no @ServiceClient "
						+ "interface declares (known clients: " + (known.isEmpty() ? "none" : String.join(", ", known))
						+ "); check the name");
			}
		}
		DiscoveryProperties discovery = (this.beanFactory != null)
				? this.beanFactory.getBeanProvider(DiscoveryProperties.class).getIfAvailable() : null;
		if (discovery != null && discovery.getType() == DiscoveryType.STATIC) {
			known.forEach((name) -> checkStaticInstances(name, discovery.getStatic()));
		}
	}

	private void checkStaticInstances(String name, DiscoveryProperties.Static instances) {
		ClientSettings settings = this.properties.resolve(name);
		if (settings.url() != null) {
			return;
		}
		String serviceId = settings.serviceId();
		List<URI> uris = instances.getInstanceUris().get(serviceId);
		if (uris == null || uris.isEmpty()) {
			logger.warn("@ServiceClient '" + name + "' calls service '" + serviceId
					+ "', which has no instance in the static discovery list: every call will fail until "
					+ "'switchboard.discovery.static.services." + serviceId + "[0]' is set (or 'switchboard.clients."
					+ name + ".url')");
			return;
		}
		if (settings.protocol() == ClientProtocol.GRPC) {
			for (int i = 0; i < uris.size(); i++) {
				String path = uris.get(i).getRawPath();
				if (path != null && !path.isEmpty() && !path.equals("/")) {
					logger.warn("Property 'switchboard.discovery.static.services." + serviceId + "[" + i
							+ "]' has the path '" + path + "', which gRPC client '" + name
							+ "' ignores: gRPC calls go to the host and port only");
				}
			}
		}
	}

}
