package dev.switchboard.autoconfigure.channel.kafka;

import java.time.Duration;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports whether the Kafka cluster of the channel binder answers. {@code UNKNOWN} while no channel has used the
 * binder, so that spring-kafka on the classpath alone does not make an application unhealthy.
 *
 * @author Switchboard
 */
public class KafkaChannelBinderHealthIndicator extends AbstractHealthIndicator {

	private final KafkaChannelBinder binder;

	private final Duration timeout;

	/**
	 * Creates an indicator.
	 * @param binder the binder to check
	 * @param timeout how long the cluster may take to answer
	 */
	public KafkaChannelBinderHealthIndicator(KafkaChannelBinder binder, Duration timeout) {
		super("Kafka channel binder health check failed");
		this.binder = binder;
		this.timeout = timeout;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		if (!this.binder.isUsed()) {
			builder.unknown().withDetail("reason", "no channel uses the kafka binder yet");
			return;
		}
		builder.up().withDetails(this.binder.describeCluster(this.timeout));
	}

}
