package dev.switchboard.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import dev.switchboard.autoconfigure.client.ServiceClientAutoConfiguration;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters of the service clients' call policy, when Micrometer is present. Spring Boot binds the
 * {@link io.micrometer.core.instrument.binder.MeterBinder} to every meter registry it configures, so the meters
 * appear at {@code /actuator/metrics} and, with {@code micrometer-registry-prometheus}, at
 * {@code /actuator/prometheus}.
 *
 * @author Switchboard
 */
@AutoConfiguration(after = ServiceClientAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(ServiceClientRuntimes.class)
public final class SwitchboardMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ServiceClientMetrics switchboardServiceClientMetrics(ServiceClientRuntimes runtimes) {
		return new ServiceClientMetrics(runtimes);
	}

}
