package dev.switchboard.autoconfigure.discovery;

import java.util.List;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Resolver;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.autoconfigure.discovery.dns.DnsDiscoveryClient;
import dev.switchboard.autoconfigure.discovery.dns.DnsDiscoverySettings;
import dev.switchboard.core.balancer.ZoneAwareLoadBalancer;
import dev.switchboard.core.discovery.CachingServiceDiscovery;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryClient;
import org.springframework.cloud.netflix.eureka.EurekaDiscoveryClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ServiceDiscoveryAutoConfiguration}.
 *
 * @author Switchboard
 */
class ServiceDiscoveryAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ServiceDiscoveryAutoConfiguration.class));

	@Test
	void staticBackendIsTheDefaultAndServesTheListedInstances() {
		this.contextRunner
			.withPropertyValues("switchboard.discovery.static.services.inventory[0]=http://127.0.0.1:8081",
					"switchboard.discovery.static.services.inventory[1]=https://10.0.0.7")
			.run((context) -> {
				assertThat(context).hasSingleBean(ServiceDiscovery.class);
				ServiceDiscovery discovery = context.getBean(ServiceDiscovery.class);
				assertThat(discovery.backend()).isEqualTo("static");
				assertThat(discovery.getInstances("inventory")).extracting(ServiceInstance::getHost,
						ServiceInstance::getPort, ServiceInstance::isSecure)
					.containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.1", 8081, false),
							org.assertj.core.groups.Tuple.tuple("10.0.0.7", 443, true));
				assertThat(discovery.getInstances("unknown")).isEmpty();
			});
	}

	@Test
	void lookupTimeoutDefaultsToFiveSecondsAndLastKnownInstancesAreKeptForTheWholeOutage() {
		this.contextRunner.run((context) -> {
			CachingServiceDiscovery discovery = context.getBean(CachingServiceDiscovery.class);
			assertThat(discovery.getLookupTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
			assertThat(discovery.getMaxStale()).isNull();
		});
	}

	@Test
	void lookupTimeoutAndMaxStaleAreApplied() {
		this.contextRunner
			.withPropertyValues("switchboard.discovery.lookup-timeout=750ms", "switchboard.discovery.max-stale=10m")
			.run((context) -> {
				CachingServiceDiscovery discovery = context.getBean(CachingServiceDiscovery.class);
				assertThat(discovery.getLookupTimeout()).isEqualTo(java.time.Duration.ofMillis(750));
				assertThat(discovery.getMaxStale()).isEqualTo(java.time.Duration.ofMinutes(10));
			});
	}

	@Test
	void nonPositiveLookupTimeoutFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.discovery.lookup-timeout=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(findCause(context.getStartupFailure(), InvalidSwitchboardPropertyException.class).getProperty())
				.isEqualTo("switchboard.discovery.lookup-timeout");
		});
	}

	@Test
	void cachingDiscoveryIsStoppedWithTheContext() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(CachingServiceDiscovery.class));
	}

	@Test
	void userDefinedDiscoveryWins() {
		ServiceDiscovery custom = new ServiceDiscovery() {
			@Override
			public String backend() {
				return "custom";
			}

			@Override
			public java.util.List<ServiceInstance> getInstances(String serviceId) {
				return java.util.List.of();
			}
		};
		this.contextRunner.withBean(ServiceDiscovery.class, () -> custom)
			.run((context) -> assertThat(context.getBean(ServiceDiscovery.class)).isSameAs(custom));
	}

	@Test
	void unknownDiscoveryTypeFailsNamingThePropertyAndTheValidValues() {
		this.contextRunner.withPropertyValues("switchboard.discovery.type=zookeeper").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("zookeeper");
			BindException bind = findCause(context.getStartupFailure(), BindException.class);
			assertThat(bind.getProperty().getName().toString()).isEqualTo("switchboard.discovery.type");
			assertThat(DiscoveryType.values()).extracting(Object::toString).contains("static", "consul", "eureka");
		});
	}

	@Test
	void malformedInstanceUrlFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("switchboard.discovery.static.services.inventory[0]=http://127.0.0.1:8081",
					"switchboard.discovery.static.services.inventory[1]=127.0.0.1:8082")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidSwitchboardPropertyException ex = findCause(context.getStartupFailure(),
						InvalidSwitchboardPropertyException.class);
				assertThat(ex.getProperty()).isEqualTo("switchboard.discovery.static.services.inventory[1]");
				assertThat(ex.getValue()).isEqualTo("127.0.0.1:8082");
				assertThat(ex.getMessage()).contains("an absolute http or https URL");
			});
	}

	@Test
	void staticInstanceTakesItsZoneFromTheZoneQuery() {
		this.contextRunner
			.withPropertyValues("switchboard.discovery.static.services.inventory[0]=http://127.0.0.1:8081?zone=zone-a",
					"switchboard.discovery.static.services.inventory[1]=http://127.0.0.1:8082/api?zone=zone-b",
					"switchboard.discovery.static.services.inventory[2]=http://127.0.0.1:8083")
			.run((context) -> {
				List<ServiceInstance> instances = context.getBean(ServiceDiscovery.class).getInstances("inventory");
				assertThat(instances).extracting(ZoneAwareLoadBalancer::zoneOf).containsExactly("zone-a", "zone-b", null);
				assertThat(instances.get(1).getMetadata()).containsEntry("base-path", "/api");
				assertThat(instances).extracting(ServiceInstance::getUri)
					.extracting(java.net.URI::toString)
					.containsExactly("http://127.0.0.1:8081", "http://127.0.0.1:8082", "http://127.0.0.1:8083");
			});
	}

	@Test
	void staticInstanceUrlWithAnotherQueryFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("switchboard.discovery.static.services.inventory[0]=http://127.0.0.1:8081?region=eu")
			.run((context) -> {
				InvalidSwitchboardPropertyException ex = findCause(context.getStartupFailure(),
						InvalidSwitchboardPropertyException.class);
				assertThat(ex.getProperty()).isEqualTo("switchboard.discovery.static.services.inventory[0]");
				assertThat(ex.getMessage()).contains("?zone=eu-west-1a");
			});
	}

	@Test
	void invalidZoneFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.discovery.zone=eu west")
			.run((context) -> {
				InvalidSwitchboardPropertyException ex = findCause(context.getStartupFailure(),
						InvalidSwitchboardPropertyException.class);
				assertThat(ex.getProperty()).isEqualTo("switchboard.discovery.zone");
				assertThat(ex.getMessage()).contains("not a valid zone name").contains("eu-west-1a");
			});
		this.contextRunner
			.withPropertyValues("switchboard.discovery.static.services.inventory[0]=http://127.0.0.1:8081?zone=")
			.run((context) -> assertThat(
					findCause(context.getStartupFailure(), InvalidSwitchboardPropertyException.class).getProperty())
				.isEqualTo("switchboard.discovery.static.services.inventory[0]"));
	}

	@Test
	void urlWithoutHostFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.discovery.static.services.inventory[0]=http:///items")
			.run((context) -> assertThat(
					findCause(context.getStartupFailure(), InvalidSwitchboardPropertyException.class).getProperty())
				.isEqualTo("switchboard.discovery.static.services.inventory[0]"));
	}

	@Test
	void nonPositiveRefreshIntervalFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.discovery.refresh-interval=0s")
			.run((context) -> assertThat(
					findCause(context.getStartupFailure(), InvalidSwitchboardPropertyException.class).getProperty())
				.isEqualTo("switchboard.discovery.refresh-interval"));
	}

	@Test
	void dnsBackendIsConfiguredFromProperties() {
		this.contextRunner
			.withPropertyValues("switchboard.discovery.type=dns", "switchboard.discovery.dns.mode=a",
					"switchboard.discovery.dns.servers=127.0.0.1:5353,[::1]", "switchboard.discovery.dns.domain=svc.local",
					"switchboard.discovery.dns.port=8080", "switchboard.discovery.dns.query-timeout=750ms",
					"switchboard.discovery.dns.zone-txt=true")
			.run((context) -> {
				DiscoveryBackend backend = context.getBean(DiscoveryBackend.class);
				assertThat(backend.name()).isEqualTo("dns");
				assertThat(backend.discoveryClient()).isInstanceOf(DnsDiscoveryClient.class);
				DnsDiscoverySettings settings = ((DnsDiscoveryClient) backend.discoveryClient()).getSettings();
				assertThat(settings.mode()).isEqualTo(DnsDiscoverySettings.Mode.A);
				assertThat(settings.servers()).containsExactly(new InetSocketAddress("127.0.0.1", 5353),
						new InetSocketAddress("::1", 53));
				assertThat(settings.hostName("inventory")).isEqualTo("inventory.svc.local");
				assertThat(settings.port()).isEqualTo(8080);
				assertThat(settings.queryTimeout()).hasMillis(750);
				assertThat(settings.zoneTxt()).isTrue();
				assertThat(context.getBean(ServiceDiscovery.class).backend()).isEqualTo("dns");
			});
	}

	@Test
	void dnsBackendWithoutDnsjavaFailsNamingTheDependency() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Resolver.class))
			.withPropertyValues("switchboard.discovery.type=dns")
			.run((context) -> {
				InvalidSwitchboardPropertyException ex = findCause(context.getStartupFailure(),
						InvalidSwitchboardPropertyException.class);
				assertThat(ex.getProperty()).isEqualTo("switchboard.discovery.type");
				assertThat(ex.getMessage()).contains("add dnsjava:dnsjava");
			});
	}

	@Test
	void dnsServerGivenByNameFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("switchboard.discovery.type=dns", "switchboard.discovery.dns.servers=10.0.0.2,dns.local:53")
			.run((context) -> assertThat(
					findCause(context.getStartupFailure(), InvalidSwitchboardPropertyException.class).getProperty())
				.isEqualTo("switchboard.discovery.dns.servers[1]"));
	}

	@Test
	void srvTemplateWithoutServiceFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("switchboard.discovery.type=dns", "switchboard.discovery.dns.srv-name-template=_http._tcp")
			.run((context) -> assertThat(
					findCause(context.getStartupFailure(), InvalidSwitchboardPropertyException.class).getProperty())
				.isEqualTo("switchboard.discovery.dns.srv-name-template"));
	}

	@Test
	void consulTypeWithoutSpringCloudConsulFailsNamingTheDependency() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ConsulDiscoveryClient.class))
			.withPropertyValues("switchboard.discovery.type=consul")
			.run((context) -> {
				InvalidSwitchboardPropertyException ex = findCause(context.getStartupFailure(),
						InvalidSwitchboardPropertyException.class);
				assertThat(ex.getProperty()).isEqualTo("switchboard.discovery.type");
				assertThat(ex.getMessage())
					.contains("add org.springframework.cloud:spring-cloud-starter-consul-discovery");
			});
	}

	@Test
	void eurekaTypeWithoutSpringCloudNetflixFailsNamingTheDependency() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(EurekaDiscoveryClient.class))
			.withPropertyValues("switchboard.discovery.type=eureka")
			.run((context) -> assertThat(
					findCause(context.getStartupFailure(), InvalidSwitchboardPropertyException.class).getMessage())
				.contains("add org.springframework.cloud:spring-cloud-starter-netflix-eureka-client"));
	}

	@Test
	void consulTypeWithConsulDiscoverySwitchedOffFailsSayingSo() {
		// Spring Cloud Consul's auto-configuration is not part of this runner: its client bean is missing.
		this.contextRunner.withPropertyValues("switchboard.discovery.type=consul")
			.run((context) -> assertThat(
					findCause(context.getStartupFailure(), InvalidSwitchboardPropertyException.class).getMessage())
				.contains("Spring Cloud Consul's discovery client is switched off"));
	}

	@Test
	void badRegistrationPortFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.registration.port=70000")
			.run((context) -> assertThat(
					findCause(context.getStartupFailure(), InvalidSwitchboardPropertyException.class).getProperty())
				.isEqualTo("switchboard.registration.port"));
	}

	@Test
	void registrationHealthPathMustBeAPath() {
		this.contextRunner.withPropertyValues("switchboard.registration.health-path=actuator/health")
			.run((context) -> assertThat(
					findCause(context.getStartupFailure(), InvalidSwitchboardPropertyException.class).getProperty())
				.isEqualTo("switchboard.registration.health-path"));
	}

	static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
		}
		throw new AssertionError("No " + type.getSimpleName() + " in the cause chain of " + failure, failure);
	}

}
