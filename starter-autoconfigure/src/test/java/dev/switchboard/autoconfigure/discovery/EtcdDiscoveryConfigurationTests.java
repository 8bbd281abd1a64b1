package dev.switchboard.autoconfigure.discovery;

import io.etcd.jetcd.Client;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.autoconfigure.discovery.etcd.EtcdDiscoveryClient;
import dev.switchboard.autoconfigure.discovery.etcd.EtcdDiscoveryProperties;
import dev.switchboard.autoconfigure.discovery.etcd.EtcdServiceRegistration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static dev.switchboard.autoconfigure.discovery.ServiceDiscoveryAutoConfigurationTests.findCause;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the etcd backend's wiring and of its properties' checks at startup (no etcd needed: nothing here
 * calls it).
 *
 * @author Switchboard
 */
class EtcdDiscoveryConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ServiceDiscoveryAutoConfiguration.class))
		.withPropertyValues("switchboard.discovery.type=etcd", "switchboard.registration.enabled=false");

	@Test
	void etcdTypeUsesTheEtcdClientWithDefaults() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(Client.class).doesNotHaveBean(EtcdServiceRegistration.class);
			assertThat(context.getBean(DiscoveryBackend.class).discoveryClient()).isInstanceOf(EtcdDiscoveryClient.class);
			EtcdDiscoveryProperties properties = context.getBean(EtcdDiscoveryProperties.class);
			assertThat(properties.getEndpoints()).containsExactly("http://127.0.0.1:2379");
			assertThat(properties.getPrefix()).isEqualTo("/switchboard/services/");
		});
	}

	@Test
	void registersByDefault() {
		this.contextRunner.withPropertyValues("switchboard.registration.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(EtcdServiceRegistration.class));
	}

	@Test
	void endpointWithoutSchemeFailsNamingTheProperty() {
		assertFailure("switchboard.discovery.etcd.endpoints[1]", "must start with http:// or https://",
				"switchboard.discovery.etcd.endpoints=http://etcd-1:2379,etcd-2:2379");
	}

	@Test
	void endpointWithoutPortFailsNamingTheProperty() {
		assertFailure("switchboard.discovery.etcd.endpoints[0]", "the port is missing",
				"switchboard.discovery.etcd.endpoints=http://etcd");
	}

	@Test
	void leaseTtlMustBeWholeSecondsOfAtLeastTwo() {
		assertFailure("switchboard.discovery.etcd.lease-ttl", "whole seconds, at least 2",
				"switchboard.discovery.etcd.lease-ttl=1500ms");
		assertFailure("switchboard.discovery.etcd.lease-ttl", "whole seconds, at least 2",
				"switchboard.discovery.etcd.lease-ttl=1s");
	}

	@Test
	void userNeedsAPassword() {
		assertFailure("switchboard.discovery.etcd.password", "user and password must be set together",
				"switchboard.discovery.etcd.user=root");
	}

	@Test
	void sslBundleNeedsHttpsEndpoints() {
		assertFailure("switchboard.discovery.etcd.ssl-bundle", "the endpoints are http:// URLs",
				"switchboard.discovery.etcd.ssl-bundle=etcd");
	}

	@Test
	void unknownSslBundleFailsNamingTheProperty() {
		assertFailure("switchboard.discovery.etcd.ssl-bundle", "no SSL bundle of that name",
				"switchboard.discovery.etcd.endpoints=https://127.0.0.1:2379",
				"switchboard.discovery.etcd.ssl-bundle=missing");
	}

	@Test
	void callTimeoutMustBePositive() {
		assertFailure("switchboard.discovery.etcd.call-timeout", "positive",
				"switchboard.discovery.etcd.call-timeout=0s");
	}

	@Test
	void withoutJetcdTheStartupErrorNamesTheDependency() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Client.class)).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("io.etcd:jetcd-core");
		});
	}

	private void assertFailure(String property, String reason, String... properties) {
		this.contextRunner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			InvalidSwitchboardPropertyException ex = findCause(context.getStartupFailure(),
					InvalidSwitchboardPropertyException.class);
			assertThat(ex.getProperty()).isEqualTo(property);
			assertThat(ex.getMessage()).contains(reason);
		});
	}

}
