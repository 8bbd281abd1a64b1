package dev.switchboard.autoconfigure.discovery;

import dev.switchboard.autoconfigure.discovery.etcd.EtcdServiceRegistration;
import dev.switchboard.core.discovery.CachingServiceDiscovery;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code switchboardDiscovery} health indicator, which reports whether the discovery
 * backend answers, and, with the etcd backend, of {@code switchboardEtcdRegistration}, which reports this
 * application's registration. Switched off with {@code management.health.switchboard-discovery.enabled=false}
 * and {@code management.health.switchboard-etcd-registration.enabled=false}.
 *
 * @author Switchboard
 */
@AutoConfiguration(after = ServiceDiscoveryAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, CachingServiceDiscovery.class })
@ConditionalOnBean(CachingServiceDiscovery.class)
public final class ServiceDiscoveryHealthAutoConfiguration {

	// On the method, not the class: class-level conditions are all loaded before any is evaluated, and this
	// one's condition class lives in spring-boot-health, which is optional.
	@Bean
	@ConditionalOnEnabledHealthIndicator("switchboard-discovery")
	@ConditionalOnMissingBean(name = "switchboardDiscoveryHealthIndicator")
	DiscoveryHealthIndicator switchboardDiscoveryHealthIndicator(CachingServiceDiscovery discovery) {
		return new DiscoveryHealthIndicator(discovery);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.etcd.jetcd.Client")
	@ConditionalOnBean(EtcdServiceRegistration.class)
	static class EtcdRegistrationHealthConfiguration {

		@Bean
		@ConditionalOnEnabledHealthIndicator("switchboard-etcd-registration")
		@ConditionalOnMissingBean(name = "switchboardEtcdRegistrationHealthIndicator")
		EtcdRegistrationHealthIndicator switchboardEtcdRegistrationHealthIndicator(
				EtcdServiceRegistration registration) {
			return new EtcdRegistrationHealthIndicator(registration);
		}

	}

}
