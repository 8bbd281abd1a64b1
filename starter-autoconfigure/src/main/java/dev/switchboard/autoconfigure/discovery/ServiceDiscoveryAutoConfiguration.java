package dev.switchboard.autoconfigure.discovery;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.switchboard.core.discovery.CachingServiceDiscovery;
import dev.switchboard.core.discovery.ServiceDiscovery;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the {@link ServiceDiscovery} that Switchboard's clients read: the backend chosen by
 * {@code switchboard.discovery.type}, behind a cache that keeps the last known instances during outages. Each
 * backend contributes its {@link DiscoveryBackend} from its own configuration class; which Spring Cloud
 * clients start at all is decided earlier by {@link DiscoveryBackendEnvironmentPostProcessor}.
 *
 * @author Switchboard
 */
// Before Spring Cloud's Consul and Eureka configurations, whose client and health-check handler beans back off
// when the backend configurations here define theirs (with timeouts, and following readiness).
@AutoConfiguration(beforeName = { "org.springframework.cloud.consul.ConsulAutoConfiguration",
		"org.springframework.cloud.netflix.eureka.EurekaDiscoveryClientConfiguration" })
@ConditionalOnClass(DiscoveryClient.class)
@EnableConfigurationProperties({ DiscoveryProperties.class, RegistrationProperties.class })
@Import({ DnsDiscoveryBackendConfiguration.class, ConsulDiscoveryBackendConfiguration.class,
		EurekaDiscoveryBackendConfiguration.class, EtcdDiscoveryBackendConfiguration.class })
public final class ServiceDiscoveryAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(ServiceDiscovery.class)
	CachingServiceDiscovery switchboardServiceDiscovery(DiscoveryProperties properties,
			ObjectProvider<DiscoveryBackend> backends) {
		DiscoveryBackend backend = backends.getIfUnique();
		if (backend == null) {
			DiscoveryType type = properties.getType();
			throw new InvalidSwitchboardPropertyException("switchboard.discovery.type", type,
					"the " + type + " backend is not available: add " + type.requiredDependency()
							+ " to the application's dependencies",
					null);
		}
		CachingServiceDiscovery discovery = new CachingServiceDiscovery(backend.discoveryClient(), backend.name(),
				properties.getRefreshInterval(), properties.getLookupTimeout(), properties.getMaxStale(),
				Clock.systemUTC());
		discovery.start();
		return discovery;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "switchboard.discovery.type", havingValue = "static", matchIfMissing = true)
	static class StaticBackendConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DiscoveryBackend switchboardDiscoveryBackend(DiscoveryProperties properties) {
			// Spring Cloud's SimpleDiscoveryClient serves the list; only its input comes from switchboard.*.
			SimpleDiscoveryProperties simple = new SimpleDiscoveryProperties();
			Map<String, List<InstanceProperties>> instances = new LinkedHashMap<>();
			properties.getStatic().getInstanceUris().forEach((serviceId, uris) -> {
				List<InstanceProperties> list = new ArrayList<>();
				for (URI uri : uris) {
					list.add(instance(serviceId, uri));
				}
				instances.put(serviceId, list);
			});
			simple.setInstances(instances);
			simple.afterPropertiesSet();
			return new DiscoveryBackend(DiscoveryType.STATIC.id(), new SimpleDiscoveryClient(simple));
		}

		private static InstanceProperties instance(String serviceId, URI uri) {
			boolean secure = "https".equalsIgnoreCase(uri.getScheme());
			int port = (uri.getPort() != -1) ? uri.getPort() : (secure ? 443 : 80);
			InstanceProperties instance = new InstanceProperties();
			instance.setServiceId(serviceId);
			instance.setInstanceId(serviceId + "-" + uri.getHost() + ":" + port);
			instance.setHost(uri.getHost());
			instance.setPort(port);
			instance.setSecure(secure);
			instance.setUri(URI.create((secure ? "https" : "http") + "://" + uri.getHost() + ":" + port));
			Map<String, String> metadata = new LinkedHashMap<>();
			if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
				// The path is the instance's base path for REST calls (see InstanceUris): never dropped.
				metadata.put("base-path", uri.getRawPath());
			}
			String zone = DiscoveryProperties.Static.zoneOf(uri);
			if (zone != null) {
				metadata.put(LocalZone.METADATA_KEY, zone);
			}
			if (!metadata.isEmpty()) {
				instance.setMetadata(Collections.unmodifiableMap(metadata));
			}
			return instance;
		}

	}

}
