package dev.switchboard.autoconfigure.discovery;

import java.util.Map;

import com.netflix.discovery.EurekaClient;
import org.junit.jupiter.api.Test;

import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryClient;
import org.springframework.cloud.netflix.eureka.EurekaDiscoveryClient;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that exactly the backend chosen by {@code switchboard.discovery.type} runs when Consul's and Eureka's
 * libraries are both on the classpath.
 *
 * @author Switchboard
 */
class DiscoveryBackendSelectionTests {

	@Test
	void staticTypeStartsWithoutAgentOrServerAndNeitherClientExists() {
		// Nothing listens on the Consul or Eureka defaults: a client that tried to connect would fail or log.
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("switchboard.discovery.static.services.inventory[0]=http://127.0.0.1:8081")
			.run()) {
			assertThat(context.getBeanNamesForType(ConsulClient.class)).isEmpty();
			assertThat(context.getBeanNamesForType(ConsulDiscoveryClient.class)).isEmpty();
			assertThat(context.getBeanNamesForType(EurekaClient.class)).isEmpty();
			assertThat(context.getBeanNamesForType(EurekaDiscoveryClient.class)).isEmpty();
			ServiceDiscovery discovery = context.getBean(ServiceDiscovery.class);
			assertThat(discovery.backend()).isEqualTo("static");
			assertThat(discovery.getInstances("inventory")).extracting(ServiceInstance::getPort).containsExactly(8081);
		}
	}

	@Test
	void defaultsSwitchOffTheBackendsNotChosen() {
		assertThat(defaults("static")).containsEntry("spring.cloud.consul.enabled", "false")
			.containsEntry("spring.cloud.consul.discovery.enabled", "false")
			.containsEntry("spring.cloud.consul.service-registry.enabled", "false")
			.containsEntry("eureka.client.enabled", "false");
		assertThat(defaults("consul")).containsOnly(Map.entry("spring.cloud.consul.discovery.query-passing", "true"),
				Map.entry("spring.cloud.consul.discovery.fail-fast", "false"),
				Map.entry("management.health.consul.enabled", "false"),
				Map.entry("spring.cloud.discovery.client.health-indicator.enabled", "false"),
				Map.entry("management.endpoint.health.probes.enabled", "true"),
				Map.entry("spring.cloud.consul.discovery.health-check-path", "/actuator/health/readiness"),
				Map.entry("eureka.client.enabled", "false"));
		assertThat(defaults("eureka")).doesNotContainKey("eureka.client.enabled")
			.containsEntry("spring.cloud.consul.enabled", "false")
			.containsEntry("management.endpoint.health.probes.enabled", "true")
			.containsEntry("eureka.instance.health-check-url-path", "/actuator/health/readiness");
		assertThat(defaults("static")).doesNotContainKey("management.endpoint.health.probes.enabled");
		// etcd registers without health checks: nothing to switch to readiness.
		assertThat(defaults("etcd")).containsEntry("spring.cloud.consul.enabled", "false")
			.containsEntry("eureka.client.enabled", "false")
			.doesNotContainKey("management.endpoint.health.probes.enabled");
	}

	@Test
	void registrationChecksTheReadinessGroupUnderTheManagementBasePath() {
		assertThat(defaults("consul", "management.endpoints.web.base-path", "/manage/"))
			.containsEntry("spring.cloud.consul.discovery.health-check-path", "/manage/health/readiness");
	}

	@Test
	void withoutRegistrationOrWithProbesSwitchedOffTheHealthCheckPathIsLeftAlone() {
		assertThat(defaults("consul", "switchboard.registration.enabled", "false"))
			.doesNotContainKeys("spring.cloud.consul.discovery.health-check-path",
					"management.endpoint.health.probes.enabled");
		assertThat(defaults("eureka", "management.endpoint.health.probes.enabled", "false"))
			.doesNotContainKeys("eureka.instance.health-check-url-path", "management.endpoint.health.probes.enabled");
	}

	@Test
	void valuesTheUserSetAreNeverOverridden() {
		MockEnvironment environment = new MockEnvironment().withProperty("switchboard.discovery.type", "static")
			.withProperty("spring.cloud.consul.enabled", "true");
		new DiscoveryBackendEnvironmentPostProcessor().postProcessEnvironment(environment,
				new SpringApplication(Application.class));
		assertThat(environment.getProperty("spring.cloud.consul.enabled")).isEqualTo("true");
		assertThat(environment.getProperty("spring.cloud.consul.discovery.enabled")).isEqualTo("false");
		assertThat(environment.getPropertySources().iterator())
			.toIterable()
			.last()
			.extracting((source) -> source.getName())
			.isEqualTo(DiscoveryBackendEnvironmentPostProcessor.PROPERTY_SOURCE_NAME);
	}

	@Test
	void eurekaServerApplicationKeepsItsEurekaClientBeans() {
		MockEnvironment environment = new MockEnvironment();
		new DiscoveryBackendEnvironmentPostProcessor().postProcessEnvironment(environment,
				new SpringApplication(EurekaServer.class));
		assertThat(environment.containsProperty("eureka.client.enabled")).isFalse();
	}

	private static Map<String, Object> defaults(String type, String... userProperty) {
		MockEnvironment environment = new MockEnvironment().withProperty("switchboard.discovery.type", type);
		for (int i = 0; i < userProperty.length; i += 2) {
			environment.setProperty(userProperty[i], userProperty[i + 1]);
		}
		new DiscoveryBackendEnvironmentPostProcessor().postProcessEnvironment(environment,
				new SpringApplication(Application.class));
		MapPropertySource source = (MapPropertySource) environment.getPropertySources()
			.get(DiscoveryBackendEnvironmentPostProcessor.PROPERTY_SOURCE_NAME);
		return (source != null) ? source.getSource() : Map.of();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

	@EnableEurekaServer
	static class EurekaServer {

	}

}
