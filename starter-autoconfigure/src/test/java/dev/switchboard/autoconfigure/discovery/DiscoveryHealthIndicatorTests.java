package dev.switchboard.autoconfigure.discovery;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.switchboard.core.discovery.CachingServiceDiscovery;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DiscoveryHealthIndicator} and {@link ServiceDiscoveryHealthAutoConfiguration}.
 *
 * @author Switchboard
 */
class DiscoveryHealthIndicatorTests {

	private final AtomicBoolean failing = new AtomicBoolean();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ServiceDiscoveryAutoConfiguration.class,
				ServiceDiscoveryHealthAutoConfiguration.class))
		.withBean(DiscoveryBackend.class, () -> new DiscoveryBackend("test", new FlakyDiscoveryClient()));

	@Test
	void upWithBackendAndCountsWhileTheBackendAnswers() {
		this.contextRunner.run((context) -> {
			context.getBean(CachingServiceDiscovery.class).getInstances("inventory");
			Health health = context.getBean("switchboardDiscoveryHealthIndicator", DiscoveryHealthIndicator.class)
				.health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backend", "test")
				.containsEntry("services", 1)
				.containsEntry("instances", 2);
		});
	}

	@Test
	void downWithBackendOutageStartAndCauseWhileTheBackendFails() {
		this.contextRunner.run((context) -> {
			CachingServiceDiscovery discovery = context.getBean(CachingServiceDiscovery.class);
			discovery.getInstances("inventory");
			this.failing.set(true);
			discovery.refresh();
			Health health = context.getBean(DiscoveryHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("backend", "test")
				.containsEntry("outageSince", String.valueOf(discovery.getOutageStart()))
				.containsKey("outageDuration")
				.containsEntry("lastError", "java.lang.IllegalStateException: registry unreachable")
				.containsEntry("instancesKept", 2)
				.containsEntry("instancesKeptFor", "the whole outage");
			assertThat(discovery.getInstances("inventory")).hasSize(2);
		});
	}

	@Test
	void canBeSwitchedOff() {
		this.contextRunner.withPropertyValues("management.health.switchboard-discovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DiscoveryHealthIndicator.class));
	}

	@Test
	void absentWithoutSpringBootHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health."))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DiscoveryHealthIndicator.class));
	}

	private final class FlakyDiscoveryClient implements DiscoveryClient {

		@Override
		public String description() {
			return "flaky";
		}

		@Override
		public List<ServiceInstance> getInstances(String serviceId) {
			if (DiscoveryHealthIndicatorTests.this.failing.get()) {
				throw new IllegalStateException("registry unreachable");
			}
			return List.of(instance(serviceId, 8081), instance(serviceId, 8082));
		}

		@Override
		public List<String> getServices() {
			return List.of("inventory");
		}

		private static ServiceInstance instance(String serviceId, int port) {
			return new DefaultServiceInstance(serviceId + "-" + port, serviceId, "127.0.0.1", port, false, null) {
				@Override
				public URI getUri() {
					return URI.create("http://127.0.0.1:" + port);
				}
			};
		}

	}

}
