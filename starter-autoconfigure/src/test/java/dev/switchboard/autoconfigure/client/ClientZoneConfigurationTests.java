package dev.switchboard.autoconfigure.client;

import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.autoconfigure.discovery.ServiceDiscoveryAutoConfiguration;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.balancer.P2cEwmaLoadBalancer;
import dev.switchboard.core.balancer.RoundRobinLoadBalancer;
import dev.switchboard.core.balancer.ZoneAffinity;
import dev.switchboard.core.balancer.ZoneAwareLoadBalancer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of how the application's zone and {@code zone-affinity} shape the balancers of service clients.
 *
 * @author Switchboard
 */
class ClientZoneConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
				ServiceDiscoveryAutoConfiguration.class, ServiceClientAutoConfiguration.class));

	@Test
	void withoutAZoneBalancersBalanceOverAllZones() {
		this.contextRunner.run((context) -> {
			ClientBalancers balancers = context.getBean(ClientBalancers.class);
			assertThat(balancers.getLocalZone()).isNull();
			assertThat(balancer(context.getBean(ServiceClientProperties.class), balancers, "inventory"))
				.isInstanceOf(P2cEwmaLoadBalancer.class);
		});
	}

	@Test
	void theApplicationsZoneWrapsEveryClientsBalancerWithItsAffinity() {
		this.contextRunner
			.withPropertyValues("switchboard.discovery.zone=zone-a",
					"switchboard.client-defaults.zone-affinity.min-instances=2",
					"switchboard.clients.inventory.zone-affinity.min-healthy-percent=50",
					"switchboard.clients.inventory.load-balancer=round-robin")
			.run((context) -> {
				ClientBalancers balancers = context.getBean(ClientBalancers.class);
				assertThat(balancers.getLocalZone()).isEqualTo("zone-a");
				LoadBalancer balancer = balancer(context.getBean(ServiceClientProperties.class), balancers,
						"inventory");
				assertThat(balancer).isInstanceOfSatisfying(ZoneAwareLoadBalancer.class, (zoned) -> {
					assertThat(zoned.getLocalZone()).isEqualTo("zone-a");
					assertThat(zoned.getAffinity()).isEqualTo(new ZoneAffinity(2, 50));
					assertThat(zoned.getDelegate()).isInstanceOf(RoundRobinLoadBalancer.class);
				});
				assertThat(ClientBalancers.unwrap(balancer)).isInstanceOf(RoundRobinLoadBalancer.class);
			});
	}

	@Test
	void zoneAffinityCanBeSwitchedOffPerClient() {
		this.contextRunner
			.withPropertyValues("switchboard.discovery.zone=zone-a",
					"switchboard.clients.inventory.zone-affinity.enabled=false")
			.run((context) -> {
				ServiceClientProperties properties = context.getBean(ServiceClientProperties.class);
				ClientBalancers balancers = context.getBean(ClientBalancers.class);
				assertThat(balancer(properties, balancers, "inventory")).isInstanceOf(P2cEwmaLoadBalancer.class);
				assertThat(balancer(properties, balancers, "orders")).isInstanceOf(ZoneAwareLoadBalancer.class);
			});
	}

	@Test
	void zoneFallsBackToSpringCloudLoadBalancersZoneAndSwitchboardsWins() {
		this.contextRunner.withPropertyValues("spring.cloud.loadbalancer.zone=zone-s")
			.run((context) -> assertThat(context.getBean(ClientBalancers.class).getLocalZone()).isEqualTo("zone-s"));
		this.contextRunner
			.withPropertyValues("spring.cloud.loadbalancer.zone=zone-s", "switchboard.discovery.zone=zone-a")
			.run((context) -> assertThat(context.getBean(ClientBalancers.class).getLocalZone()).isEqualTo("zone-a"));
		this.contextRunner.withPropertyValues("eureka.instance.metadata-map.zone=zone-e")
			.run((context) -> assertThat(context.getBean(ClientBalancers.class).getLocalZone()).isEqualTo("zone-e"));
		this.contextRunner.withPropertyValues("switchboard.registration.metadata.zone=zone-r")
			.run((context) -> assertThat(context.getBean(ClientBalancers.class).getLocalZone()).isEqualTo("zone-r"));
	}

	@Test
	void outOfRangeAffinityFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.clients.inventory.zone-affinity.min-healthy-percent=120")
			.run((context) -> {
				InvalidSwitchboardPropertyException ex = findCause(context.getStartupFailure());
				assertThat(ex.getProperty())
					.isEqualTo("switchboard.clients.inventory.zone-affinity.min-healthy-percent");
				assertThat(ex.getMessage()).contains("from 0 to 100");
			});
		this.contextRunner.withPropertyValues("switchboard.client-defaults.zone-affinity.min-instances=0")
			.run((context) -> assertThat(findCause(context.getStartupFailure()).getProperty())
				.isEqualTo("switchboard.client-defaults.zone-affinity.min-instances"));
	}

	private static LoadBalancer balancer(ServiceClientProperties properties, ClientBalancers balancers,
			String client) {
		return new ServiceClientRuntime(properties.resolve(client), MethodPolicies.of(properties.resolve(client),
				java.util.List.of()), balancers, null).getBalancer();
	}

	private static InvalidSwitchboardPropertyException findCause(Throwable failure) {
		Throwable current = failure;
		while (current != null && !(current instanceof InvalidSwitchboardPropertyException)) {
			current = current.getCause();
		}
		assertThat(current).as("cause of %s", failure).isNotNull();
		return (InvalidSwitchboardPropertyException) current;
	}

}
