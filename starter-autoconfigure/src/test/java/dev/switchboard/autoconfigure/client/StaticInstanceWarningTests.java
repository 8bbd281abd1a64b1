package dev.switchboard.autoconfigure.client;

import dev.switchboard.autoconfigure.client.grpc.SwitchboardGrpcClientAutoConfiguration;
import dev.switchboard.autoconfigure.discovery.ServiceDiscoveryAutoConfiguration;
import dev.switchboard.core.annotation.ServiceClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the startup warnings about static discovery that starts but cannot serve a client: a service with no
 * instance, and a path that a gRPC client cannot use.
 *
 * @author Switchboard
 */
@ExtendWith(OutputCaptureExtension.class)
class StaticInstanceWarningTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, HttpServiceClientPropertiesAutoConfiguration.class,
				RestClientAutoConfiguration.class, HttpServiceClientAutoConfiguration.class,
				ServiceDiscoveryAutoConfiguration.class, ServiceClientAutoConfiguration.class))
		.withUserConfiguration(WarehouseClientConfiguration.class);

	@Test
	void clientWhoseServiceHasNoStaticInstanceWarnsNamingClientServiceAndProperty(CapturedOutput output) {
		this.contextRunner.withPropertyValues("switchboard.clients.warehouse.service-id=stock").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).containsOnlyOnce("@ServiceClient 'warehouse' calls service 'stock', which has no "
					+ "instance in the static discovery list: every call will fail until "
					+ "'switchboard.discovery.static.services.stock[0]' is set (or 'switchboard.clients.warehouse.url')");
		});
	}

	@Test
	void clientWithStaticInstancesDoesNotWarn(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("switchboard.discovery.static.services.warehouse[0]=http://127.0.0.1:8081/api")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).doesNotContain("which has no instance").doesNotContain("ignores");
			});
	}

	@Test
	void clientWithAUrlDoesNotNeedStaticInstances(CapturedOutput output) {
		this.contextRunner.withPropertyValues("switchboard.clients.warehouse.url=http://127.0.0.1:8081")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).doesNotContain("which has no instance");
			});
	}

	@Test
	void otherDiscoveryBackendsAreNotExpectedToListInstances(CapturedOutput output) {
		this.contextRunner.withPropertyValues("switchboard.discovery.type=dns").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).doesNotContain("which has no instance");
		});
	}

	@Test
	void grpcClientWithAPathInItsStaticUrlWarnsThatThePathIsIgnored(CapturedOutput output) {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, GrpcClientAutoConfiguration.class,
					SwitchboardGrpcClientAutoConfiguration.class))
			.withPropertyValues("switchboard.clients.warehouse.protocol=grpc",
					"switchboard.discovery.static.services.warehouse[0]=http://127.0.0.1:9090/api")
			.run((context) -> assertThat(context).hasNotFailed())
			.run((context) -> assertThat(output)
				.contains("Property 'switchboard.discovery.static.services.warehouse[0]' has the path '/api', which "
						+ "gRPC client 'warehouse' ignores: gRPC calls go to the host and port only"));
	}

	@ServiceClient("warehouse")
	@HttpExchange("/stock")
	interface WarehouseClient {

		@GetExchange("/{sku}")
		String stock(@PathVariable String sku);

	}

	@Configuration(proxyBeanMethods = false)
	@EnableServiceClients(clients = WarehouseClient.class)
	static class WarehouseClientConfiguration {

	}

}
