package dev.switchboard.autoconfigure.discovery;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.core.balancer.ZoneAwareLoadBalancer;

import org.springframework.core.env.Environment;

/**
 * The zone this application runs in: {@code switchboard.discovery.zone}, else the zone Spring Cloud is told
 * about ({@code spring.cloud.loadbalancer.zone}, {@code eureka.instance.metadata-map.zone},
 * {@code spring.cloud.consul.discovery.instance-zone}), else the zone it registers with
 * ({@code switchboard.registration.metadata.zone}), so that an application moving to Switchboard keeps the
 * zone it already declares. Clients prefer instances of this zone; registration publishes it as the instance's
 * {@value ZoneAwareLoadBalancer#ZONE_METADATA_KEY} metadata.
 *
 * @author Switchboard
 */
public final class LocalZone {

	/** The property naming the zone. */
	public static final String PROPERTY = "switchboard.discovery.zone";

	/** The metadata key of an instance's zone, in every backend. */
	public static final String METADATA_KEY = ZoneAwareLoadBalancer.ZONE_METADATA_KEY;

	private static final String[] SPRING_CLOUD_PROPERTIES = { "spring.cloud.loadbalancer.zone",
			"eureka.instance.metadata-map.zone", "spring.cloud.consul.discovery.instance-zone",
			"switchboard.registration.metadata.zone" };

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,62}");

	private static final String ALLOWED = "a zone name of up to 63 letters, digits, '.', '_', ':', '/' or '-', "
			+ "such as eu-west-1a";

	private LocalZone() {
	}

	/**
	 * The zone this application runs in.
	 * @param environment the environment
	 * @return the zone, or {@code null} when none is configured
	 * @throws InvalidSwitchboardPropertyException if the zone is not a valid zone name
	 */
	public static @Nullable String resolve(Environment environment) {
		String zone = check(PROPERTY, environment.getProperty(PROPERTY));
		for (int i = 0; zone == null && i < SPRING_CLOUD_PROPERTIES.length; i++) {
			String property = SPRING_CLOUD_PROPERTIES[i];
			String value = environment.getProperty(property);
			zone = (value != null && !value.isBlank()) ? check(property, value.trim()) : null;
		}
		return zone;
	}

	/**
	 * Checks a zone name.
	 * @param property the property that holds it
	 * @param zone the zone, or {@code null}
	 * @return the zone, or {@code null}
	 * @throws InvalidSwitchboardPropertyException if it is not a valid zone name
	 */
	public static @Nullable String check(String property, @Nullable String zone) {
		if (zone != null && !VALID.matcher(zone).matches()) {
			throw new InvalidSwitchboardPropertyException(property, zone,
					zone.isBlank() ? "must not be blank" : "not a valid zone name", ALLOWED);
		}
		return zone;
	}

}
