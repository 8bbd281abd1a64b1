package dev.switchboard.autoconfigure.discovery;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

/**
 * Switches off the Spring Cloud discovery clients that {@code switchboard.discovery.type} did not choose, so
 * that exactly the chosen backend runs even when several discovery libraries are on the classpath (Consul's
 * client fails at startup without an agent, Eureka's keeps trying to reach a server).
 * <p>
 * Adds defaults at the lowest precedence, after the application's configuration files are loaded: a value the
 * user set anywhere (properties, yml, environment, command line) always wins. An application annotated with
 * {@code @EnableEurekaServer} keeps its Eureka client beans, which the server is built on.
 *
 * @author Switchboard
 */
class DiscoveryBackendEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * Name of the property source holding the defaults.
	 */
	static final String PROPERTY_SOURCE_NAME = "switchboardDiscoveryBackendDefaults";

	private static final String ENABLE_EUREKA_SERVER = "org.springframework.cloud.netflix.eureka.server.EnableEurekaServer";

	// After ConfigDataEnvironmentPostProcessor, so that switchboard.discovery.type from application.yml is seen.
	private static final int ORDER = Ordered.LOWEST_PRECEDENCE - 10;

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String type = environment.getProperty("switchboard.discovery.type", DiscoveryType.STATIC.id())
			.trim()
			.toLowerCase(Locale.ROOT);
		Map<String, Object> defaults = new LinkedHashMap<>();
		if (type.equals(DiscoveryType.CONSUL.id())) {
			// Switchboard's contract: only instances whose health checks pass are called.
			defaults.put("spring.cloud.consul.discovery.query-passing", "true");
		}
		else {
			// Discovery and registration are off even where a user enables Consul itself (e.g. for config).
			defaults.put("spring.cloud.consul.enabled", "false");
			defaults.put("spring.cloud.consul.discovery.enabled", "false");
			defaults.put("spring.cloud.consul.service-registry.enabled", "false");
		}
		if (!type.equals(DiscoveryType.EUREKA.id()) && !isEurekaServer(application)) {
			defaults.put("eureka.client.enabled", "false");
		}
		defaults.keySet().removeIf(environment::containsProperty);
		if (!defaults.isEmpty()) {
			addLast(environment.getPropertySources(), new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
		}
	}

	// A Eureka server is built on the Eureka client's beans: leave them on there.
	private static boolean isEurekaServer(SpringApplication application) {
		for (Object source : application.getAllSources()) {
			if (source instanceof Class<?> type && MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY)
				.isPresent(ENABLE_EUREKA_SERVER)) {
				return true;
			}
		}
		return false;
	}

	private static void addLast(MutablePropertySources sources, MapPropertySource defaults) {
		if (sources.contains(PROPERTY_SOURCE_NAME)) {
			sources.replace(PROPERTY_SOURCE_NAME, defaults);
		}
		else {
			sources.addLast(defaults);
		}
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
