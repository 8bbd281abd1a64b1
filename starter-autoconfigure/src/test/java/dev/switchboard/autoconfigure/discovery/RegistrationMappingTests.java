package dev.switchboard.autoconfigure.discovery;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.discovery.ConsulDiscoveryBackendConfiguration.ConsulRegistrationPostProcessor;
import dev.switchboard.autoconfigure.discovery.EurekaDiscoveryBackendConfiguration.EurekaRegistrationPostProcessor;

import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.cloud.netflix.eureka.EurekaClientConfigBean;
import org.springframework.cloud.netflix.eureka.EurekaInstanceConfigBean;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of how {@code switchboard.registration.*} is mapped onto Spring Cloud's own registration settings.
 *
 * @author Switchboard
 */
class RegistrationMappingTests {

	private final InetUtils inetUtils = new InetUtils(new InetUtilsProperties());

	@Test
	void consulTakesEverySetValueAndKeepsItsOwnOtherwise() {
		ConsulDiscoveryProperties consul = new ConsulDiscoveryProperties(this.inetUtils);
		consul.setHealthCheckInterval("3s");
		consul.getMetadata().put("team", "orders");
		new ConsulRegistrationPostProcessor(new MockEnvironment().withProperty("switchboard.registration.service-name", "inventory")
			.withProperty("switchboard.registration.port", "9090")
			.withProperty("switchboard.registration.metadata.zone", "zone-a")
			.withProperty("switchboard.registration.health-path", "/health")
			.withProperty("switchboard.registration.prefer-ip-address", "true")).postProcessAfterInitialization(consul, "consul");
		assertThat(consul.getServiceName()).isEqualTo("inventory");
		assertThat(consul.getPort()).isEqualTo(9090);
		assertThat(consul.getMetadata()).containsAllEntriesOf(Map.of("zone", "zone-a", "team", "orders"));
		assertThat(consul.getHealthCheckPath()).isEqualTo("/health");
		assertThat(consul.isPreferIpAddress()).isTrue();
		assertThat(consul.getHealthCheckInterval()).isEqualTo("3s");
		assertThat(consul.isRegister()).isTrue();
	}

	@Test
	void consulLeftAloneWhenNothingIsSet() {
		ConsulDiscoveryProperties consul = new ConsulDiscoveryProperties(this.inetUtils);
		consul.setPreferIpAddress(true);
		new ConsulRegistrationPostProcessor(new MockEnvironment()).postProcessAfterInitialization(consul, "consul");
		assertThat(consul.getServiceName()).isNull();
		assertThat(consul.getPort()).isNull();
		assertThat(consul.isPreferIpAddress()).isTrue();
		assertThat(consul.getHealthCheckPath()).isEqualTo("/actuator/health");
	}

	@Test
	void consulRegistrationSwitchedOff() {
		ConsulDiscoveryProperties consul = new ConsulDiscoveryProperties(this.inetUtils);
		new ConsulRegistrationPostProcessor(new MockEnvironment().withProperty("switchboard.registration.enabled", "false"))
			.postProcessAfterInitialization(consul, "consul");
		assertThat(consul.isRegister()).isFalse();
	}

	@Test
	void eurekaTakesEverySetValueIncludingTheVipAddressAndTheBuiltHealthCheckUrl() {
		EurekaInstanceConfigBean instance = new EurekaInstanceConfigBean(this.inetUtils);
		instance.setHealthCheckUrl("http://host:8080/actuator/health");
		new EurekaRegistrationPostProcessor(new MockEnvironment().withProperty("switchboard.registration.service-name", "inventory")
			.withProperty("switchboard.registration.port", "9090")
			.withProperty("switchboard.registration.metadata.version", "1.4.2")
			.withProperty("switchboard.registration.health-path", "/health")
			.withProperty("switchboard.registration.prefer-ip-address", "true"))
			.postProcessAfterInitialization(instance, "instance");
		assertThat(instance.getAppname()).isEqualTo("inventory");
		assertThat(instance.getVirtualHostName()).isEqualTo("inventory");
		assertThat(instance.getNonSecurePort()).isEqualTo(9090);
		assertThat(instance.getMetadataMap()).containsEntry("version", "1.4.2");
		assertThat(instance.getHealthCheckUrlPath()).isEqualTo("/health");
		assertThat(instance.getHealthCheckUrl()).isEqualTo("http://host:8080/health");
		assertThat(instance.isPreferIpAddress()).isTrue();
	}

	@Test
	void eurekaRegistrationSwitchedOff() {
		EurekaClientConfigBean client = new EurekaClientConfigBean();
		new EurekaRegistrationPostProcessor(new MockEnvironment().withProperty("switchboard.registration.enabled", "false"))
			.postProcessAfterInitialization(client, "client");
		assertThat(client.shouldRegisterWithEureka()).isFalse();
	}

	@Test
	void consulPublishesTheApplicationsZone() {
		ConsulDiscoveryProperties consul = new ConsulDiscoveryProperties(this.inetUtils);
		new ConsulRegistrationPostProcessor(new MockEnvironment().withProperty("switchboard.discovery.zone", "zone-b"))
			.postProcessAfterInitialization(consul, "consul");
		assertThat(consul.getMetadata()).containsEntry("zone", "zone-b");
	}

	@Test
	void eurekaPublishesTheApplicationsZone() {
		EurekaInstanceConfigBean instance = new EurekaInstanceConfigBean(this.inetUtils);
		new EurekaRegistrationPostProcessor(new MockEnvironment().withProperty("switchboard.discovery.zone", "zone-b"))
			.postProcessAfterInitialization(instance, "instance");
		assertThat(instance.getMetadataMap()).containsEntry("zone", "zone-b");
	}

	@Test
	void zoneFallsBackToSpringCloudLoadBalancersZone() {
		EurekaInstanceConfigBean instance = new EurekaInstanceConfigBean(this.inetUtils);
		new EurekaRegistrationPostProcessor(new MockEnvironment().withProperty("spring.cloud.loadbalancer.zone", "zone-c"))
			.postProcessAfterInitialization(instance, "instance");
		assertThat(instance.getMetadataMap()).containsEntry("zone", "zone-c");
	}

	@Test
	void zoneInRegistrationMetadataWinsOverTheApplicationsZone() {
		ConsulDiscoveryProperties consul = new ConsulDiscoveryProperties(this.inetUtils);
		new ConsulRegistrationPostProcessor(new MockEnvironment().withProperty("switchboard.discovery.zone", "zone-b")
			.withProperty("switchboard.registration.metadata.zone", "zone-x")).postProcessAfterInitialization(consul,
					"consul");
		assertThat(consul.getMetadata()).containsEntry("zone", "zone-x");
	}

	@Test
	void noZoneIsPublishedWhenTheApplicationHasNone() {
		EurekaInstanceConfigBean instance = new EurekaInstanceConfigBean(this.inetUtils);
		new EurekaRegistrationPostProcessor(new MockEnvironment()).postProcessAfterInitialization(instance, "instance");
		assertThat(instance.getMetadataMap()).doesNotContainKey("zone");
	}

}
