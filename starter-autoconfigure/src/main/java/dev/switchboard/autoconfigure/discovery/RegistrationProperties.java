package dev.switchboard.autoconfigure.discovery;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;

/**
 * How the application registers itself with the discovery backend chosen by {@code switchboard.discovery.type},
 * for backends that have a registry (Consul, Eureka, etcd). For Consul and Eureka the values are mapped onto
 * Spring Cloud's own registration; a value left unset keeps Spring Cloud's setting, so
 * {@code spring.cloud.consul.discovery.*} and {@code eureka.instance.*} keep working. etcd's registration is
 * Switchboard's own (a key under a lease) and reads these values directly; it has no health check.
 *
 * @author Switchboard
 */
@ConfigurationProperties("switchboard.registration")
public class RegistrationProperties {

	private static final String PREFIX = "switchboard.registration";

	/**
	 * Whether the application registers itself with the discovery backend. Registration is Spring Cloud's: the
	 * instance is removed again on graceful shutdown.
	 */
	private final boolean enabled;

	/**
	 * Service id under which the instance is registered. Defaults to spring.application.name.
	 */
	private final @Nullable String serviceName;

	/**
	 * Port registered for the instance. Defaults to the port the web server listens on.
	 */
	private final @Nullable Integer port;

	/**
	 * Metadata registered with the instance, such as zone or version. Added to the backend's own metadata.
	 */
	private final Map<String, String> metadata;

	/**
	 * Path of the HTTP health check the registry calls. Defaults to the readiness group,
	 * /actuator/health/readiness (under management.endpoints.web.base-path), so that the outage of a broker or
	 * registry the application uses never marks the instance critical.
	 */
	private final @Nullable String healthPath;

	/**
	 * Whether to register the IP address rather than the host name. Defaults to the backend's setting (false).
	 */
	private final @Nullable Boolean preferIpAddress;

	/**
	 * Creates the registration properties, rejecting values Switchboard cannot use.
	 * @param enabled whether to register
	 * @param serviceName the service id to register, or {@code null} for spring.application.name
	 * @param port the port to register, or {@code null} for the web server's port
	 * @param metadata metadata to register
	 * @param healthPath the health check path, or {@code null} for the backend's default
	 * @param preferIpAddress whether to register the IP address, or {@code null} for the backend's default
	 */
	public RegistrationProperties(@DefaultValue("true") boolean enabled, @Nullable String serviceName,
			@Nullable Integer port, @Nullable Map<String, String> metadata, @Nullable String healthPath,
			@Nullable Boolean preferIpAddress) {
		if (serviceName != null && serviceName.isBlank()) {
			throw new InvalidSwitchboardPropertyException(PREFIX + ".service-name", serviceName, "must not be blank",
					"a service id such as inventory");
		}
		if (port != null && (port < 1 || port > 65535)) {
			throw new InvalidSwitchboardPropertyException(PREFIX + ".port", port, "not a valid port",
					"a port between 1 and 65535, or unset for the web server's port");
		}
		if (healthPath != null && !healthPath.startsWith("/")) {
			throw new InvalidSwitchboardPropertyException(PREFIX + ".health-path", healthPath,
					"the path must start with /", "a path such as /actuator/health/readiness");
		}
		this.enabled = enabled;
		this.serviceName = serviceName;
		this.port = port;
		this.metadata = (metadata != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(metadata))
				: Collections.emptyMap();
		this.healthPath = healthPath;
		this.preferIpAddress = preferIpAddress;
	}

	/**
	 * Binds the properties from the environment, for post-processors that run before configuration properties
	 * beans may be created.
	 * @param environment the environment
	 * @return the bound properties
	 */
	static RegistrationProperties bind(Environment environment) {
		return Binder.get(environment).bindOrCreate(PREFIX, RegistrationProperties.class);
	}

	/**
	 * Whether the application registers itself.
	 * @return {@code true} to register
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * The service id to register.
	 * @return the service id, or {@code null} for spring.application.name
	 */
	public @Nullable String getServiceName() {
		return this.serviceName;
	}

	/**
	 * The port to register.
	 * @return the port, or {@code null} for the web server's port
	 */
	public @Nullable Integer getPort() {
		return this.port;
	}

	/**
	 * Metadata to register with the instance.
	 * @return an immutable map, possibly empty
	 */
	public Map<String, String> getMetadata() {
		return this.metadata;
	}

	/**
	 * The path of the HTTP health check.
	 * @return the path, or {@code null} for the default (the readiness group's path)
	 */
	public @Nullable String getHealthPath() {
		return this.healthPath;
	}

	/**
	 * Whether to register the IP address rather than the host name.
	 * @return the choice, or {@code null} for the backend's default
	 */
	public @Nullable Boolean getPreferIpAddress() {
		return this.preferIpAddress;
	}

}
