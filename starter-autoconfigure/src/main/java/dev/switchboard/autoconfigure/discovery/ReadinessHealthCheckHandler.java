package dev.switchboard.autoconfigure.discovery;

import com.netflix.appinfo.HealthCheckHandler;
import com.netflix.appinfo.InstanceInfo.InstanceStatus;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;

/**
 * The status this instance reports to Eureka when {@code eureka.client.healthcheck.enabled} is on: the status of
 * the readiness group ({@code /actuator/health/readiness}), not the aggregate of every health indicator as Spring
 * Cloud's {@code EurekaHealthCheckHandler} reports. A broker or registry outage then leaves the instance UP in
 * Eureka (calls to it still succeed), while an instance that refuses traffic (starting, shutting down) is
 * reported DOWN and so taken out of rotation.
 * <p>
 * Without the health endpoint or its readiness group (probes off), the application's readiness state is used.
 *
 * @author Switchboard
 */
final class ReadinessHealthCheckHandler implements HealthCheckHandler {

	private static final String READINESS_GROUP = "readiness";

	private final ObjectProvider<HealthEndpoint> healthEndpoint;

	private final ObjectProvider<ApplicationAvailability> availability;

	ReadinessHealthCheckHandler(ObjectProvider<HealthEndpoint> healthEndpoint,
			ObjectProvider<ApplicationAvailability> availability) {
		this.healthEndpoint = healthEndpoint;
		this.availability = availability;
	}

	@Override
	public InstanceStatus getStatus(InstanceStatus currentStatus) {
		HealthEndpoint endpoint = this.healthEndpoint.getIfAvailable();
		HealthDescriptor readiness = (endpoint != null) ? endpoint.healthForPath(READINESS_GROUP) : null;
		if (readiness != null) {
			return toInstanceStatus(readiness.getStatus());
		}
		ApplicationAvailability state = this.availability.getIfAvailable();
		if (state == null) {
			return currentStatus;
		}
		return (state.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC) ? InstanceStatus.UP
				: InstanceStatus.DOWN;
	}

	/**
	 * UP when ready, DOWN otherwise. Not OUT_OF_SERVICE for a group that refuses traffic: a Eureka server keeps
	 * an UP or OUT_OF_SERVICE instance's status when the instance reports OUT_OF_SERVICE or UP itself (that status
	 * is an operator's override), so only DOWN takes an instance out of rotation and UP brings it back.
	 */
	static InstanceStatus toInstanceStatus(Status status) {
		return Status.UP.equals(status) ? InstanceStatus.UP : InstanceStatus.DOWN;
	}

}
