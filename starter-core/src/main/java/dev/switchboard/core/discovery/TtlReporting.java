package dev.switchboard.core.discovery;

import java.time.Duration;
import java.util.Optional;

/**
 * Implemented by discovery backends whose answers carry a time to live (DNS), so that the cache can refresh
 * before the answer expires when the TTL is shorter than the configured refresh interval.
 *
 * @author Switchboard
 */
public interface TtlReporting {

	/**
	 * The smallest time to live in the most recent answer for a service.
	 * @param serviceId the service
	 * @return the TTL, or empty if unknown
	 */
	Optional<Duration> lastTtl(String serviceId);

}
