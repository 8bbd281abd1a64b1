package dev.switchboard.autoconfigure.client;

import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Warns at startup about {@code switchboard.clients.<name>} entries that no {@code @ServiceClient} interface
 * uses: usually a typo in the name, which would otherwise silently leave the real client on defaults.
 *
 * @author Switchboard
 */
final class UnusedClientConfigurationReporter implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(UnusedClientConfigurationReporter.class);

	private final ServiceClientProperties properties;

	private final ServiceClientRegistry registry;

	UnusedClientConfigurationReporter(ServiceClientProperties properties, ServiceClientRegistry registry) {
		this.properties = properties;
		this.registry = registry;
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
	}

}
