package dev.switchboard.autoconfigure.discovery;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.consul.discovery.ConsulCatalogWatch;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryClient;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulServiceRegistry;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The Consul backend: Spring Cloud Consul's {@link ConsulDiscoveryClient} feeds Switchboard, Spring Cloud
 * Consul's registration registers the application with {@code switchboard.registration.*} applied, and its
 * catalog watch triggers refreshes.
 * <p>
 * Spring Cloud Consul's client needs no decorator to make failures visible: an unreachable agent surfaces as a
 * {@code ResourceAccessException}, and error answers (ACL denied, no cluster leader) are text bodies that fail
 * to convert into health entries, so {@code getInstances} throws in both cases and the cache keeps the last
 * known instances. Only its catalog watch swallows errors (it logs them and tries again).
 *
 * @author Switchboard
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(ConsulDiscoveryClient.class)
@ConditionalOnProperty(name = "switchboard.discovery.type", havingValue = "consul")
class ConsulDiscoveryBackendConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DiscoveryBackend switchboardDiscoveryBackend(ObjectProvider<ConsulDiscoveryClient> consulDiscoveryClient) {
		ConsulDiscoveryClient client = consulDiscoveryClient.getIfAvailable();
		if (client == null) {
			throw new InvalidSwitchboardPropertyException("switchboard.discovery.type", DiscoveryType.CONSUL,
					"Spring Cloud Consul's discovery client is switched off (spring.cloud.consul.enabled or "
							+ "spring.cloud.consul.discovery.enabled is false)",
					"consul with Spring Cloud Consul discovery enabled, or another backend");
		}
		return new DiscoveryBackend(DiscoveryType.CONSUL.id(), client);
	}

	@Bean
	static HeartbeatRefreshListener switchboardConsulCatalogWatchListener(ObjectProvider<ServiceDiscovery> discovery) {
		return new HeartbeatRefreshListener(ConsulCatalogWatch.class, discovery);
	}

	@Bean
	static ApplicationListener<ApplicationReadyEvent> switchboardConsulMetadataPublisher(
			ObjectProvider<InstanceMetadataContributor> contributors,
			ObjectProvider<ConsulAutoRegistration> registration, ObjectProvider<ConsulServiceRegistry> registry) {
		// Ports known only once servers run (such as the gRPC port) join the registered metadata now: the agent
		// replaces a service registered again under the same id.
		return (event) -> {
			Map<String, String> metadata = InstanceMetadataContributor.collect(contributors);
			ConsulAutoRegistration service = registration.getIfAvailable();
			ConsulServiceRegistry serviceRegistry = registry.getIfAvailable();
			if (metadata.isEmpty() || service == null || serviceRegistry == null) {
				return;
			}
			Map<String, String> meta = new LinkedHashMap<>();
			if (service.getService().getMeta() != null) {
				meta.putAll(service.getService().getMeta());
			}
			meta.putAll(metadata);
			service.getService().setMeta(meta);
			serviceRegistry.register(service);
		};
	}

	@Bean
	static BeanPostProcessor switchboardConsulRegistrationPostProcessor(Environment environment) {
		return new ConsulRegistrationPostProcessor(environment);
	}

	/**
	 * Applies {@code switchboard.registration.*} to Spring Cloud Consul's discovery properties, from which its
	 * registration (service, metadata, HTTP health check) is built. Runs after the properties are bound, so only
	 * values set under {@code switchboard.registration} replace Spring Cloud's.
	 */
	static final class ConsulRegistrationPostProcessor implements BeanPostProcessor {

		private final Environment environment;

		ConsulRegistrationPostProcessor(Environment environment) {
			this.environment = environment;
		}

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
			if (bean instanceof ConsulDiscoveryProperties properties) {
				apply(RegistrationProperties.bind(this.environment), properties);
			}
			return bean;
		}

		static void apply(RegistrationProperties registration, ConsulDiscoveryProperties properties) {
			if (!registration.isEnabled()) {
				properties.setRegister(false);
			}
			String serviceName = registration.getServiceName();
			if (serviceName != null) {
				properties.setServiceName(serviceName);
			}
			Integer port = registration.getPort();
			if (port != null) {
				// Spring Cloud builds the HTTP check on this port as soon as it is known.
				properties.setPort(port);
			}
			String healthPath = registration.getHealthPath();
			if (healthPath != null) {
				properties.setHealthCheckPath(healthPath);
			}
			Boolean preferIpAddress = registration.getPreferIpAddress();
			if (preferIpAddress != null) {
				properties.setPreferIpAddress(preferIpAddress);
			}
			properties.getMetadata().putAll(registration.getMetadata());
		}

	}

}
