package dev.switchboard.autoconfigure.discovery;

import dev.switchboard.autoconfigure.discovery.etcd.EtcdServiceRegistration;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of this application's registration in etcd, contributed as {@code switchboardEtcdRegistration}: UP with
 * the key while registered under a live lease, DOWN with the most recent error while registration is being
 * retried (etcd down or hanging), UNKNOWN when there is nothing to register (no port). It reads the
 * registration's state only and never calls etcd. Like every indicator it is in no liveness or readiness group
 * unless the application adds it: an etcd outage must not take the instance out of rotation.
 *
 * @author Switchboard
 */
public final class EtcdRegistrationHealthIndicator implements HealthIndicator {

	private final EtcdServiceRegistration registration;

	/**
	 * Creates an indicator for a registration.
	 * @param registration the registration whose state is reported
	 */
	public EtcdRegistrationHealthIndicator(EtcdServiceRegistration registration) {
		this.registration = registration;
	}

	@Override
	public Health health() {
		String key = this.registration.registeredKey();
		if (key != null) {
			return Health.up().withDetail("key", key).withDetail("leaseTtl", this.registration.leaseTtl().toString()).build();
		}
		if (!this.registration.isRegistering()) {
			return Health.unknown().withDetail("reason", "nothing to register (no port) or stopped").build();
		}
		Health.Builder builder = Health.down().withDetail("state", "registering, retrying with back-off");
		String error = this.registration.lastError();
		return (error != null) ? builder.withDetail("lastError", error).build() : builder.build();
	}

}
