package dev.switchboard.autoconfigure.discovery;

import java.time.Duration;
import java.util.Map;

import com.netflix.appinfo.ApplicationInfoManager;
import com.netflix.appinfo.HealthCheckHandler;
import com.netflix.discovery.EurekaClient;
import com.netflix.discovery.EurekaClientConfig;

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
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.cloud.netflix.eureka.EurekaClientConfigBean;
import org.springframework.cloud.netflix.eureka.EurekaDiscoveryClient;
import org.springframework.cloud.netflix.eureka.EurekaInstanceConfigBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The Eureka backend: Spring Cloud Netflix's {@link EurekaDiscoveryClient} feeds Switchboard behind a check of
 * the registry copy's age (see {@link EurekaRegistryFreshnessCheck}), Spring Cloud's registration registers the
 * application with {@code switchboard.registration.*} applied, and every registry fetch triggers a refresh.
 *
 * @author Switchboard
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ EurekaDiscoveryClient.class, EurekaClient.class })
@ConditionalOnProperty(name = "switchboard.discovery.type", havingValue = "eureka")
class EurekaDiscoveryBackendConfiguration {

	/**
	 * Registry fetches that may fail in a row before lookups count as an outage.
	 */
	static final int MISSED_FETCHES = 3;

	@Bean
	@ConditionalOnMissingBean
	DiscoveryBackend switchboardDiscoveryBackend(ObjectProvider<EurekaDiscoveryClient> eurekaDiscoveryClient,
			ObjectProvider<EurekaClient> eurekaClient, ObjectProvider<EurekaClientConfig> eurekaClientConfig) {
		EurekaDiscoveryClient discoveryClient = eurekaDiscoveryClient.getIfAvailable();
		EurekaClient client = eurekaClient.getIfAvailable();
		EurekaClientConfig config = eurekaClientConfig.getIfAvailable();
		if (discoveryClient == null || client == null || config == null) {
			throw new InvalidSwitchboardPropertyException("switchboard.discovery.type", DiscoveryType.EUREKA,
					"Spring Cloud Netflix's Eureka client is switched off (eureka.client.enabled or "
							+ "spring.cloud.discovery.enabled is false)",
					"eureka with the Eureka client enabled, or another backend");
		}
		if (!config.shouldFetchRegistry()) {
			throw new InvalidSwitchboardPropertyException("eureka.client.fetch-registry", false,
					"Switchboard's eureka backend reads the registry the Eureka client fetches", "true");
		}
		Duration maxAge = Duration.ofSeconds((long) MISSED_FETCHES * config.getRegistryFetchIntervalSeconds());
		return new DiscoveryBackend(DiscoveryType.EUREKA.id(),
				new EurekaRegistryFreshnessCheck(discoveryClient, client, maxAge));
	}

	@Bean
	static HeartbeatRefreshListener switchboardEurekaRegistryFetchListener(
			ObjectProvider<ServiceDiscovery> discovery) {
		// Spring Cloud's CloudEurekaClient publishes a HeartbeatEvent after every successful registry fetch.
		return new HeartbeatRefreshListener(com.netflix.discovery.DiscoveryClient.class, discovery);
	}

	@Bean
	static ApplicationListener<ApplicationReadyEvent> switchboardEurekaMetadataPublisher(
			ObjectProvider<InstanceMetadataContributor> contributors, ObjectProvider<ApplicationInfoManager> manager,
			ObjectProvider<EurekaInstanceConfigBean> instance) {
		// Ports known only once servers run (such as the gRPC port) join the registered metadata now; Eureka
		// sends the changed InstanceInfo with its next instance-info replication.
		return (event) -> {
			Map<String, String> metadata = InstanceMetadataContributor.collect(contributors);
			if (!metadata.isEmpty()) {
				instance.ifAvailable((config) -> config.getMetadataMap().putAll(metadata));
				manager.ifAvailable((info) -> info.registerAppMetadata(metadata));
			}
		};
	}

	/**
	 * Replaces Spring Cloud's aggregate-health handler when {@code eureka.client.healthcheck.enabled} is on: the
	 * status sent to Eureka follows readiness only.
	 */
	@Bean
	@ConditionalOnMissingBean(HealthCheckHandler.class)
	@ConditionalOnBooleanProperty("eureka.client.healthcheck.enabled")
	@ConditionalOnClass(name = "org.springframework.boot.health.actuate.endpoint.HealthEndpoint")
	HealthCheckHandler switchboardEurekaReadinessHealthCheckHandler(ObjectProvider<HealthEndpoint> healthEndpoint,
			ObjectProvider<ApplicationAvailability> availability) {
		return new ReadinessHealthCheckHandler(healthEndpoint, availability);
	}

	@Bean
	static BeanPostProcessor switchboardEurekaRegistrationPostProcessor(Environment environment) {
		return new EurekaRegistrationPostProcessor(environment);
	}

	/**
	 * Applies {@code switchboard.registration.*} to Spring Cloud Netflix's instance and client configuration,
	 * from which the registered {@code InstanceInfo} is built. Runs after {@code eureka.instance.*} and
	 * {@code eureka.client.*} are bound, so only values set under {@code switchboard.registration} replace them.
	 */
	static final class EurekaRegistrationPostProcessor implements BeanPostProcessor {

		private final Environment environment;

		EurekaRegistrationPostProcessor(Environment environment) {
			this.environment = environment;
		}

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
			if (bean instanceof EurekaInstanceConfigBean instance) {
				apply(RegistrationProperties.bind(this.environment), LocalZone.resolve(this.environment), instance);
			}
			else if (bean instanceof EurekaClientConfigBean client
					&& !RegistrationProperties.bind(this.environment).isEnabled()) {
				client.setRegisterWithEureka(false);
			}
			return bean;
		}

		static void apply(RegistrationProperties registration, @Nullable String zone,
				EurekaInstanceConfigBean instance) {
			String serviceName = registration.getServiceName();
			if (serviceName != null) {
				// Eureka looks instances up by VIP address, so the virtual host names follow the app name.
				instance.setAppname(serviceName);
				instance.setVirtualHostName(serviceName);
				instance.setSecureVirtualHostName(serviceName);
			}
			Integer port = registration.getPort();
			if (port != null) {
				instance.setNonSecurePort(port);
			}
			Boolean preferIpAddress = registration.getPreferIpAddress();
			if (preferIpAddress != null) {
				instance.setPreferIpAddress(preferIpAddress);
			}
			String healthPath = registration.getHealthPath();
			if (healthPath != null) {
				String oldPath = instance.getHealthCheckUrlPath();
				instance.setHealthCheckUrlPath(healthPath);
				// With a fixed server.port Spring Cloud has already built the absolute URL from the old path.
				String url = instance.getHealthCheckUrl();
				if (url != null && oldPath != null && url.endsWith(oldPath)) {
					instance.setHealthCheckUrl(url.substring(0, url.length() - oldPath.length()) + healthPath);
				}
			}
			instance.getMetadataMap().putAll(registration.getMetadata());
			if (zone != null && !registration.getMetadata().containsKey(LocalZone.METADATA_KEY)) {
				// Spring Cloud Netflix's convention: an instance's zone is its "zone" metadata.
				instance.getMetadataMap().put(LocalZone.METADATA_KEY, zone);
			}
		}

	}

}
