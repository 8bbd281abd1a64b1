package dev.switchboard.autoconfigure.discovery;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.cloud.consul.discovery.ConsulCatalogWatch;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryClient;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulServiceRegistry;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * The Consul backend: Spring Cloud Consul's {@link ConsulDiscoveryClient} feeds Switchboard, Spring Cloud
 * Consul's registration registers the application with {@code switchboard.registration.*} applied, its
 * catalog watch triggers refreshes on registrations, and {@link ConsulHealthWatch} does on health changes of the
 * services the application calls.
 * <p>
 * Spring Cloud Consul's client is built with a connect timeout of {@code switchboard.discovery.lookup-timeout}
 * and a read timeout of that plus the longest blocking-query wait (see {@link ConsulClients}), so that a hung
 * agent never holds registration, deregistration, lookups or health for good. It needs no decorator to make
 * failures visible: an unreachable agent surfaces as a
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

	private static final String CONSUL_CONFIG_PROPERTIES = "org.springframework.cloud.consul.config.ConsulConfigProperties";

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

	/**
	 * Spring Cloud Consul's client with timeouts, used by its discovery client, registration and catalog watch.
	 * The read timeout leaves room for the longest blocking query: the catalog watch's wait and, with Spring
	 * Cloud Consul Config's watch on, its wait.
	 */
	@Bean
	@ConditionalOnMissingBean(ConsulClient.class)
	@ConditionalOnBooleanProperty(name = "spring.cloud.consul.enabled", matchIfMissing = true)
	ConsulClient switchboardConsulClient(ConsulProperties consulProperties, DiscoveryProperties discoveryProperties,
			Environment environment) {
		Duration longestWait = Duration.ofSeconds(
				environment.getProperty("spring.cloud.consul.discovery.catalog-services-watch-timeout", Integer.class, 2));
		if (ClassUtils.isPresent(CONSUL_CONFIG_PROPERTIES, getClass().getClassLoader())
				&& environment.getProperty("spring.cloud.consul.config.enabled", Boolean.class, true)
				&& environment.getProperty("spring.cloud.consul.config.watch.enabled", Boolean.class, true)) {
			Duration configWait = Duration
				.ofSeconds(environment.getProperty("spring.cloud.consul.config.watch.wait-time", Integer.class, 55));
			longestWait = (configWait.compareTo(longestWait) > 0) ? configWait : longestWait;
		}
		Duration lookupTimeout = discoveryProperties.getLookupTimeout();
		return ConsulClients.create(consulProperties, lookupTimeout,
				ConsulClients.readTimeout(lookupTimeout, longestWait));
	}

	@Bean
	@ConditionalOnMissingBean
	ConsulHealthWatch switchboardConsulHealthWatch(ObjectProvider<ConsulClient> client,
			ObjectProvider<ConsulDiscoveryProperties> properties, ObjectProvider<ServiceDiscovery> discovery) {
		ConsulClient consulClient = client.getIfAvailable();
		ConsulDiscoveryProperties discoveryProperties = properties.getIfAvailable();
		// The same wait as Spring Cloud's catalog watch, which the client's read timeout already allows for.
		return (consulClient != null && discoveryProperties != null) ? new ConsulHealthWatch(consulClient,
				discoveryProperties, discovery, Duration.ofSeconds(discoveryProperties.getCatalogServicesWatchTimeout()))
				: null;
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
				apply(RegistrationProperties.bind(this.environment), LocalZone.resolve(this.environment), properties);
			}
			return bean;
		}

		static void apply(RegistrationProperties registration, @Nullable String zone,
				ConsulDiscoveryProperties properties) {
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
			if (zone != null && !registration.getMetadata().containsKey(LocalZone.METADATA_KEY)) {
				// Spring Cloud Consul's convention (its default-zone-metadata-name): the zone is the "zone" meta.
				properties.getMetadata().put(LocalZone.METADATA_KEY, zone);
			}
		}

	}

}
