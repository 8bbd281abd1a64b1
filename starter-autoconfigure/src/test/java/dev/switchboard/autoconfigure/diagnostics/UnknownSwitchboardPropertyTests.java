package dev.switchboard.autoconfigure.diagnostics;


import dev.switchboard.autoconfigure.channel.ChannelAutoConfiguration;
import dev.switchboard.autoconfigure.client.ServiceClientAutoConfiguration;
import dev.switchboard.autoconfigure.discovery.ServiceDiscoveryAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.mock.env.MockPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that a {@code switchboard.*} key Switchboard does not know fails startup, naming the key and the closest
 * known one, at every level: the first element, nested objects, and inside map entries.
 *
 * @author Switchboard
 */
class UnknownSwitchboardPropertyTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(SwitchboardPropertiesAutoConfiguration.class, JacksonAutoConfiguration.class,
					ChannelAutoConfiguration.class));

	@Test
	void typoInTheFirstElementNamesTheClosestKey() {
		this.contextRunner.withPropertyValues("switchboard.discovry.type=dns")
			.run(failsWith("Unknown property 'switchboard.discovry.type' (did you mean 'switchboard.discovery.type'?)"));
	}

	@Test
	void typoInANestedObjectNamesTheClosestKey() {
		this.contextRunner.withPropertyValues("switchboard.discovery.static.service.inventory[0]=http://127.0.0.1:1")
			.run(failsWith("Unknown property 'switchboard.discovery.static.service.inventory[0]' "
					+ "(did you mean 'switchboard.discovery.static.services.inventory[0]'?)"));
	}

	@Test
	void typoInsideAClientEntryIsFound() {
		this.contextRunner.withPropertyValues("switchboard.clients.inventory.timeout.raed=2s")
			.run(failsWith("Unknown property 'switchboard.clients.inventory.timeout.raed' "
					+ "(did you mean 'switchboard.clients.inventory.timeout.read'?)"));
	}

	@Test
	void typoInsideAChannelEntryIsFound() {
		this.contextRunner.withPropertyValues("switchboard.channels.orders.destinaton=orders.v1")
			.run(failsWith("Unknown property 'switchboard.channels.orders.destinaton' "
					+ "(did you mean 'switchboard.channels.orders.destination'?)"));
	}

	@Test
	void channelNameWithDotsInBracketsIsCheckedInsideItsEntry() {
		this.contextRunner.withPropertyValues("switchboard.channels[orders.v1].gruop=billing")
			.run(failsWith("Unknown property 'switchboard.channels[orders.v1].gruop' "
					+ "(did you mean 'switchboard.channels[orders.v1].group'?)"));
	}

	@Test
	void propertyReplacedBySpringBootsOwnNamesTheReplacement() {
		this.contextRunner.withPropertyValues("switchboard.channel-binders.rabbit.prefetch=10")
			.run(failsWith("Unknown property 'switchboard.channel-binders.rabbit.prefetch' "
					+ "(did you mean 'spring.rabbitmq.listener.simple.prefetch'?)"));
	}

	@Test
	void keyFarFromAnyKnownOneListsTheValidKeysAtItsLevel() {
		this.contextRunner.withPropertyValues("switchboard.clients.inventory.timeout.everything=2s")
			.run(failsWith("Unknown property 'switchboard.clients.inventory.timeout.everything' "
					+ "(valid names under 'switchboard.clients.inventory.timeout': connect, read)"));
	}

	@Test
	void keyBelowAPlainValueIsUnknown() {
		this.contextRunner.withPropertyValues("switchboard.clients.inventory.retry.budget.percent.max=1")
			.run(failsWith("Unknown property 'switchboard.clients.inventory.retry.budget.percent.max' "
					+ "('switchboard.clients.inventory.retry.budget.percent' takes a value and has no properties)"));
	}

	@Test
	void everyUnknownKeyIsReportedAtOnce() {
		this.contextRunner
			.withPropertyValues("switchboard.discovry.type=dns", "switchboard.channels.orders.destinaton=orders.v1")
			.run((context) -> {
				assertThat(context).hasFailed();
				UnknownSwitchboardPropertyException ex = (UnknownSwitchboardPropertyException) context
					.getStartupFailure();
				assertThat(ex.getUnknownProperties()).extracting(UnknownSwitchboardPropertyException.UnknownProperty::name)
					.containsExactlyInAnyOrder("switchboard.discovry.type", "switchboard.channels.orders.destinaton");
				assertThat(ex.getUnboundProperties()).hasSize(2);
			});
	}

	@Test
	void validKeysOfEveryPropertiesClassStart() {
		this.contextRunner
			.withPropertyValues("switchboard.discovery.type=static",
					"switchboard.discovery.static.services.inventory[0]=http://127.0.0.1:8081",
					"switchboard.discovery.dns.query-timeout=1s", "switchboard.discovery.dns.servers[0]=127.0.0.1:53",
					"switchboard.clients.inventory.timeout.read=2s", "switchboard.clients.inventory.retry.budget.percent=0.1",
					"switchboard.clients.inventory.methods.item.timeout=1s",
					"switchboard.clients.inventory.retry.statuses[0]=503", "switchboard.client-defaults.load-balancer=random",
					"switchboard.channels.orders.destination=orders.v1", "switchboard.channels.orders.retry.backoff=1s",
					"switchboard.channel-defaults.group=billing", "switchboard.channel-deduplication.window=1m",
					"switchboard.channel-binders.rabbit.max-pending=10", "switchboard.channel-binders.kafka.partitions=1",
					"switchboard.registration.metadata.zone=a", "switchboard.registration.metadata[my.key]=b",
					"switchboard.propagation.headers[0]=x-tenant", "switchboard.grpc.server.exports[0]=inventory",
					"switchboard.spring-cloud-loadbalancer.enabled=false",
					"switchboard.clients.inventory.loadBalancer=random", "switchboard.clients.inventory.load_balancer=random")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void environmentVariablesMayWriteDashesAsUnderscores() {
		// Spring Boot binds SWITCHBOARD_CHANNEL_DEFAULTS_GROUP to switchboard.channel-defaults.group.
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new org.springframework.core.env.SystemEnvironmentPropertySource("systemEnvironment",
						java.util.Map.of("SWITCHBOARD_CHANNEL_DEFAULTS_GROUP", "billing",
								"SWITCHBOARD_CLIENTS_INVENTORY_TIMEOUT_READ", "2s"))))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void propertiesOutsideSwitchboardAreNotChecked() {
		this.contextRunner.withPropertyValues("switchboards.anything=1", "spring.application.name=x")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void originOfTheUnknownPropertyIsKept() {
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MockPropertySource("application.yml").withProperty("switchboard.discovry.type", "dns")))
			.run((context) -> {
				UnknownSwitchboardPropertyException ex = (UnknownSwitchboardPropertyException) context
					.getStartupFailure();
				assertThat(ex.getUnknownProperties().get(0).property().getOrigin()).hasToString(
						"\"switchboard.discovry.type\" from property source \"application.yml\"");
			});
	}

	@Test
	void fullAutoConfigurationKnowsTheKeysOfEveryClass() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SwitchboardPropertiesAutoConfiguration.class,
					ServiceDiscoveryAutoConfiguration.class, ServiceClientAutoConfiguration.class))
			.withPropertyValues("switchboard.discovery.refresh-interval=1s", "switchboard.clients.inventory.url=http://127.0.0.1:1")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	private static ContextConsumer<AssertableApplicationContext> failsWith(String message) {
		return (context) -> assertThat(context).getFailure()
			.isInstanceOf(UnknownSwitchboardPropertyException.class)
			.hasMessage(message);
	}

}
