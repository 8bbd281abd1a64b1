package dev.switchboard.autoconfigure.discovery;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.autoconfigure.discovery.etcd.EtcdDiscoveryClient;
import dev.switchboard.autoconfigure.discovery.etcd.EtcdDiscoveryProperties;
import dev.switchboard.autoconfigure.discovery.etcd.EtcdKeyLayout;
import dev.switchboard.autoconfigure.discovery.etcd.EtcdRegistryWatch;
import dev.switchboard.autoconfigure.discovery.etcd.EtcdServiceRegistration;
import dev.switchboard.core.discovery.CachingServiceDiscovery;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The etcd backend: {@code switchboard.discovery.type: etcd}, on jetcd. Instances are read from etcd under the
 * {@link EtcdKeyLayout}, a watch on the prefix refreshes Switchboard's cache on every change, and the
 * application registers itself under a lease (with {@code switchboard.registration.*} applied) unless
 * {@code switchboard.registration.enabled} is false.
 *
 * @author Switchboard
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(Client.class)
@ConditionalOnProperty(name = "switchboard.discovery.type", havingValue = "etcd")
@EnableConfigurationProperties(EtcdDiscoveryProperties.class)
class EtcdDiscoveryBackendConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	Client switchboardEtcdClient(EtcdDiscoveryProperties properties, ObjectProvider<SslBundles> sslBundles) {
		ClientBuilder builder = Client.builder()
			.endpoints(properties.getEndpointUris().toArray(URI[]::new))
			.connectTimeout(properties.getCallTimeout())
			// Fail calls at once while no connection is up, instead of queueing them until etcd is back: the
			// cache then sees the outage and serves the last known instances.
			.waitForReady(false);
		if (properties.getUser() != null && properties.getPassword() != null) {
			builder.user(ByteSequence.from(properties.getUser(), StandardCharsets.UTF_8))
				.password(ByteSequence.from(properties.getPassword(), StandardCharsets.UTF_8));
		}
		if (properties.isTls()) {
			SslBundle bundle = sslBundle(properties.getSslBundle(), sslBundles.getIfAvailable());
			try {
				builder.sslContext((ssl) -> {
					if (bundle != null) {
						ssl.keyManager(bundle.getManagers().getKeyManagerFactory())
							.trustManager(bundle.getManagers().getTrustManagerFactory());
					}
				});
			}
			catch (SSLException ex) {
				throw new InvalidSwitchboardPropertyException("switchboard.discovery.etcd.ssl-bundle",
						properties.getSslBundle(), "cannot build a TLS context from it: " + ex.getMessage(), null);
			}
		}
		return builder.build();
	}

	private static @Nullable SslBundle sslBundle(@Nullable String name, @Nullable SslBundles bundles) {
		if (name == null) {
			return null;
		}
		try {
			if (bundles == null) {
				throw new NoSuchSslBundleException(name, "no SSL bundles are configured");
			}
			return bundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidSwitchboardPropertyException("switchboard.discovery.etcd.ssl-bundle", name,
					"no SSL bundle of that name", "the name of a bundle under spring.ssl.bundle.jks or spring.ssl.bundle.pem");
		}
	}

	@Bean
	@ConditionalOnMissingBean
	EtcdKeyLayout switchboardEtcdKeyLayout(EtcdDiscoveryProperties properties) {
		return new EtcdKeyLayout(properties.getPrefix());
	}

	@Bean
	@ConditionalOnMissingBean
	DiscoveryBackend switchboardDiscoveryBackend(Client client, EtcdKeyLayout layout,
			EtcdDiscoveryProperties properties) {
		return new DiscoveryBackend(DiscoveryType.ETCD.id(), new EtcdDiscoveryClient(client, layout, properties));
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	EtcdRegistryWatch switchboardEtcdRegistryWatch(Client client, EtcdKeyLayout layout,
			ObjectProvider<ServiceDiscovery> discovery) {
		return new EtcdRegistryWatch(client, layout, () -> {
			if (discovery.getIfAvailable() instanceof CachingServiceDiscovery caching) {
				caching.refresh();
			}
		});
	}

	@Bean
	static SmartInitializingSingleton switchboardEtcdRegistryWatchStarter(ObjectProvider<EtcdRegistryWatch> watch) {
		// Started once all singletons exist: its callback resolves the discovery cache from a watch thread.
		return () -> watch.ifAvailable(EtcdRegistryWatch::start);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "switchboard.registration.enabled", matchIfMissing = true)
	EtcdServiceRegistration switchboardEtcdServiceRegistration(Client client, EtcdKeyLayout layout,
			EtcdDiscoveryProperties properties, RegistrationProperties registration, Environment environment,
			ObjectProvider<InetUtils> inetUtils, ObjectProvider<InstanceMetadataContributor> contributors) {
		return new EtcdServiceRegistration(client, layout, properties,
				() -> instance(registration, environment, inetUtils, contributors));
	}

	/**
	 * The instance to register, resolved when the application starts: the port is
	 * {@code switchboard.registration.port} or the port the web server listens on; the host is
	 * {@code server.address} when set to a specific address, else this machine's first non-loopback address
	 * (with {@code prefer-ip-address}) or host name, as Spring Cloud's {@link InetUtils} finds them.
	 */
	static EtcdServiceRegistration.@Nullable Instance instance(RegistrationProperties registration,
			Environment environment, ObjectProvider<InetUtils> inetUtils,
			ObjectProvider<InstanceMetadataContributor> contributors) {
		Integer port = registration.getPort();
		if (port == null) {
			port = environment.getProperty("local.server.port", Integer.class);
		}
		if (port == null || port <= 0) {
			return null;
		}
		String serviceId = registration.getServiceName();
		if (serviceId == null) {
			serviceId = environment.getProperty("spring.application.name", "application");
		}
		String host = environment.getProperty("server.address");
		if (host == null || isWildcard(host)) {
			InetUtils utils = inetUtils.getIfAvailable(() -> new InetUtils(new InetUtilsProperties()));
			InetUtils.HostInfo info = utils.findFirstNonLoopbackHostInfo();
			host = Boolean.TRUE.equals(registration.getPreferIpAddress()) ? info.getIpAddress() : info.getHostname();
		}
		boolean secure = environment.getProperty("server.ssl.enabled", Boolean.class, false)
				|| environment.getProperty("server.ssl.bundle") != null;
		Map<String, String> configured = registration.getMetadata();
		return new EtcdServiceRegistration.Instance(serviceId, host + ":" + port, host, port, secure, () -> {
			Map<String, String> metadata = new LinkedHashMap<>(configured);
			metadata.putAll(InstanceMetadataContributor.collect(contributors));
			return metadata;
		});
	}

	private static boolean isWildcard(String address) {
		try {
			return InetAddress.getByName(address).isAnyLocalAddress();
		}
		catch (java.net.UnknownHostException ex) {
			return false;
		}
	}

}
