package dev.switchboard.autoconfigure.discovery;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

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
 * client fails at startup without an agent, Eureka's keeps trying to reach a server). With self-registration
 * on, the registry's health check becomes the readiness group ({@code /actuator/health/readiness}, probes
 * switched on) instead of the aggregate health, and a failed Consul registration no longer fails startup.
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

	private static final String PROBES_ENABLED = "management.endpoint.health.probes.enabled";

	private static final String ENABLE_EUREKA_SERVER = "org.springframework.cloud.netflix.eureka.server.EnableEurekaServer";

	// After ConfigDataEnvironmentPostProcessor, so that switchboard.discovery.type from application.yml is seen.
	private static final int ORDER = Ordered.LOWEST_PRECEDENCE - 10;

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String type = environment.getProperty("switchboard.discovery.type", DiscoveryType.STATIC.id())
			.trim()
			.toLowerCase(Locale.ROOT);
		Map<String, Object> defaults = new LinkedHashMap<>();
		boolean registers = isRegistering(environment, type);
		String readinessPath = registers ? readinessPath(environment) : null;
		if (readinessPath != null) {
			// The registry's check follows readiness (a group Boot creates only with probes on), not the aggregate
			// health, so that a broker or registry outage never marks this instance critical in the registry.
			defaults.put(PROBES_ENABLED, "true");
		}
		if (type.equals(DiscoveryType.CONSUL.id())) {
			// Switchboard's contract: only instances whose health checks pass are called.
			defaults.put("spring.cloud.consul.discovery.query-passing", "true");
			// A registration that fails or times out is logged and startup goes on: a registry outage must not
			// stop an application that can serve.
			defaults.put("spring.cloud.consul.discovery.fail-fast", "false");
			// Spring Cloud's indicators ask the agent on every health request (and hang with it); Switchboard's
			// switchboardDiscovery indicator reports the same outage from memory.
			defaults.put("management.health.consul.enabled", "false");
			defaults.put("spring.cloud.discovery.client.health-indicator.enabled", "false");
			if (readinessPath != null) {
				defaults.put("spring.cloud.consul.discovery.health-check-path", readinessPath);
			}
		}
		else {
			// Discovery and registration are off even where a user enables Consul itself (e.g. for config).
			defaults.put("spring.cloud.consul.enabled", "false");
			defaults.put("spring.cloud.consul.discovery.enabled", "false");
			defaults.put("spring.cloud.consul.service-registry.enabled", "false");
		}
		if (type.equals(DiscoveryType.EUREKA.id()) && readinessPath != null) {
			defaults.put("eureka.instance.health-check-url-path", readinessPath);
		}
		if (!type.equals(DiscoveryType.EUREKA.id()) && !isEurekaServer(application)) {
			defaults.put("eureka.client.enabled", "false");
		}
		defaults.keySet().removeIf(environment::containsProperty);
		if (!defaults.isEmpty()) {
			addLast(environment.getPropertySources(), new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
		}
	}

	private static boolean isRegistering(ConfigurableEnvironment environment, String type) {
		boolean registry = type.equals(DiscoveryType.CONSUL.id()) || type.equals(DiscoveryType.EUREKA.id());
		return registry && environment.getProperty("switchboard.registration.enabled", Boolean.class, true);
	}

	/**
	 * The path of the readiness group, or {@code null} when the user switched probes off (the group then does
	 * not exist, and the backend's own default path stays).
	 */
	private static @Nullable String readinessPath(ConfigurableEnvironment environment) {
		if (!environment.getProperty(PROBES_ENABLED, Boolean.class, true)) {
			return null;
		}
		String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator");
		basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
		return basePath + "/health/readiness";
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
