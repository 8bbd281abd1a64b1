package dev.switchboard.autoconfigure.channel.rabbit;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports whether RabbitMQ answers on the channel binder's connection. {@code UNKNOWN} while no channel has used
 * the binder, so that spring-rabbit on the classpath alone does not make an application unhealthy.
 *
 * @author Switchboard
 */
public class RabbitChannelBinderHealthIndicator extends AbstractHealthIndicator {

	private final RabbitChannelBinder binder;

	/**
	 * Creates an indicator.
	 * @param binder the binder to check
	 */
	public RabbitChannelBinderHealthIndicator(RabbitChannelBinder binder) {
		super("RabbitMQ channel binder health check failed");
		this.binder = binder;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (!this.binder.isUsed()) {
			builder.unknown().withDetail("reason", "no channel uses the rabbit binder yet");
			return;
		}
		builder.up().withDetail("version", this.binder.serverVersion());
	}

}
