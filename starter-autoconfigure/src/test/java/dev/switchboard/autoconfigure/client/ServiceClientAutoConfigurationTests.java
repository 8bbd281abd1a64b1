package dev.switchboard.autoconfigure.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.switchboard.autoconfigure.client.rest.JdkBlockingClientHttpRequestFactoryBuilder;
import dev.switchboard.autoconfigure.client.rest.ServiceClientHttpServiceGroupConfigurer;
import dev.switchboard.autoconfigure.client.scan.ScannedClient;
import dev.switchboard.autoconfigure.client.scan.ScanConfiguration;
import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.autoconfigure.discovery.ServiceDiscoveryAutoConfiguration;
import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.SimpleClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.registry.HttpServiceProxyRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ServiceClientAutoConfiguration}.
 *
 * @author Switchboard
 */
@ExtendWith(OutputCaptureExtension.class)
class ServiceClientAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, HttpServiceClientPropertiesAutoConfiguration.class,
				RestClientAutoConfiguration.class, HttpServiceClientAutoConfiguration.class,
				ServiceDiscoveryAutoConfiguration.class, ServiceClientAutoConfiguration.class));

	@Test
	void listedClientInterfaceBecomesABeanInTheGroupOfItsName() {
		this.contextRunner.withUserConfiguration(ListedClientConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(CatalogClient.class);
			assertThat(context).hasSingleBean(ServiceClientHttpServiceGroupConfigurer.class);
			HttpServiceProxyRegistry registry = context.getBean(HttpServiceProxyRegistry.class);
			assertThat(registry.getGroupNames()).containsExactly("catalog");
			assertThat(registry.getClient("catalog", CatalogClient.class))
				.isSameAs(context.getBean(CatalogClient.class));
		});
	}

	@Test
	void clientInterfacesInTheAutoConfigurationPackagesAreDetected() {
		this.contextRunner.withUserConfiguration(ScanConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(ScannedClient.class);
			assertThat(context.getBean(HttpServiceProxyRegistry.class).getGroupNames()).containsExactly("scanned");
		});
	}

	@Test
	void noClientInterfacesMeansNoProxies() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(HttpServiceProxyRegistry.class);
			assertThat(context).doesNotHaveBean(CatalogClient.class);
		});
	}

	@Test
	void nonPositiveReadTimeoutFailsNamingTheProperty() {
		this.contextRunner.withUserConfiguration(ListedClientConfiguration.class)
			.withPropertyValues("switchboard.clients.catalog.timeout.read=0ms")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidSwitchboardPropertyException ex = findCause(context.getStartupFailure());
				assertThat(ex.getProperty()).isEqualTo("switchboard.clients.catalog.timeout.read");
				assertThat(ex.getMessage()).contains("positive");
			});
	}

	@Test
	void negativeDefaultConnectTimeoutFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.client-defaults.timeout.connect=-1s")
			.run((context) -> assertThat(findCause(context.getStartupFailure()).getProperty())
				.isEqualTo("switchboard.client-defaults.timeout.connect"));
	}

	@Test
	void callExecutorIsBoundedAndQueuesNothing() {
		this.contextRunner.run((context) -> {
			ThreadPoolExecutor executor = context.getBean(ServiceClientAutoConfiguration.HEDGE_EXECUTOR_BEAN_NAME,
					ThreadPoolExecutor.class);
			assertThat(executor.getMaximumPoolSize()).isEqualTo(200);
			assertThat(executor.getQueue()).isInstanceOf(SynchronousQueue.class);
			assertThat(executor.getRejectedExecutionHandler()).isInstanceOf(ThreadPoolExecutor.AbortPolicy.class);
		});
		this.contextRunner.withPropertyValues("switchboard.call-executor.max-threads=8")
			.run((context) -> assertThat(context.getBean(ServiceClientAutoConfiguration.HEDGE_EXECUTOR_BEAN_NAME,
					ThreadPoolExecutor.class)
				.getMaximumPoolSize()).isEqualTo(8));
	}

	@Test
	void callExecutorWithoutThreadsFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.call-executor.max-threads=0")
			.run((context) -> assertThat(findCause(context.getStartupFailure()).getProperty())
				.isEqualTo("switchboard.call-executor.max-threads"));
	}

	@Test
	void malformedUrlOverrideFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("switchboard.clients.catalog.url=localhost:8080")
			.run((context) -> assertThat(findCause(context.getStartupFailure()).getProperty())
				.isEqualTo("switchboard.clients.catalog.url"));
	}

	@Test
	void unknownLoadBalancerFailsListingTheValidValues() {
		this.contextRunner.withPropertyValues("switchboard.clients.catalog.load-balancer=fastest")
			.run((context) -> {
				assertThat(context).hasFailed();
				org.springframework.boot.context.properties.bind.BindException bind = null;
				for (Throwable ex = context.getStartupFailure(); ex != null; ex = ex.getCause()) {
					if (ex instanceof org.springframework.boot.context.properties.bind.BindException found) {
						bind = found;
						break;
					}
				}
				assertThat(bind).isNotNull();
				assertThat(bind.getProperty().getName()).hasToString("switchboard.clients.catalog.load-balancer");
			});
	}

	@Test
	void clientSettingsInheritDefaults() {
		this.contextRunner
			.withPropertyValues("switchboard.client-defaults.timeout.read=3s",
					"switchboard.clients.catalog.timeout.connect=150ms",
					"switchboard.clients.catalog.service-id=catalog-v2")
			.run((context) -> {
				ClientSettings settings = context.getBean(ServiceClientProperties.class).resolve("catalog");
				assertThat(settings.serviceId()).isEqualTo("catalog-v2");
				assertThat(settings.connectTimeout()).hasMillis(150);
				assertThat(settings.readTimeout()).hasSeconds(3);
				assertThat(settings.loadBalancer()).isEqualTo(LoadBalancerType.P2C_EWMA);
				assertThat(settings.url()).isNull();
			});
	}

	@Test
	void configurationForAnUnknownClientLogsAWarning(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(ListedClientConfiguration.class)
			.withPropertyValues("switchboard.clients.catalogue.timeout.read=1s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("'switchboard.clients.catalogue'")
					.contains("known clients: catalog");
			});
	}

	@Test
	void configurationForAKnownClientLogsNoWarning(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(ListedClientConfiguration.class)
			.withPropertyValues("switchboard.clients.catalog.timeout.read=1s")
			.run((context) -> assertThat(output).doesNotContain("no @ServiceClient"));
	}

	@Test
	void serviceClientWithoutNameFailsNamingTheInterface() {
		this.contextRunner.withUserConfiguration(UnnamedClientConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasMessageContaining(UnnamedClient.class.getName())
				.hasMessageContaining("has no name");
		});
	}

	@Test
	void fallbackThatDoesNotImplementTheInterfaceFailsNamingBoth() {
		this.contextRunner.withUserConfiguration(BadFallbackConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("The fallback java.lang.String of @ServiceClient interface "
						+ BadFallbackClient.class.getName() + " does not implement it");
		});
	}

	@Test
	void methodSettingsForAnUnknownMethodFailNamingTheProperty() {
		this.contextRunner.withUserConfiguration(ListedClientConfiguration.class)
			.withPropertyValues("switchboard.clients.catalog.methods.produkt.timeout=1s")
			.run((context) -> {
				InvalidSwitchboardPropertyException ex = findCause(context.getStartupFailure());
				assertThat(ex.getProperty()).isEqualTo("switchboard.clients.catalog.methods.produkt");
				assertThat(ex.getAllowedValues()).isEqualTo("product");
			});
	}

	@Test
	void jdkHttpClientDetectedByBootIsReplacedByHttpUrlConnection() {
		MockEnvironment environment = new MockEnvironment();
		assertThat(ServiceClientAutoConfiguration.transport(ClientHttpRequestFactoryBuilder.jdk(), environment))
			.isInstanceOf(SimpleClientHttpRequestFactoryBuilder.class);
		assertThat(ServiceClientAutoConfiguration.transport(ClientHttpRequestFactoryBuilder.httpComponents(),
				environment))
			.isInstanceOf(HttpComponentsClientHttpRequestFactoryBuilder.class);
	}

	@Test
	void jdkNamedByThePropertyIsSwitchboardsBlockingJdkFactory() {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.http.clients.imperative.factory",
				"jdk");
		assertThat(ServiceClientAutoConfiguration.transport(ClientHttpRequestFactoryBuilder.jdk(), environment))
			.isInstanceOf(JdkBlockingClientHttpRequestFactoryBuilder.class);
	}

	@Test
	void otherExplicitlyChosenTransportIsKept() {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.http.clients.imperative.factory",
				"http-components");
		ClientHttpRequestFactoryBuilder<?> builder = ClientHttpRequestFactoryBuilder.httpComponents();
		assertThat(ServiceClientAutoConfiguration.transport(builder, environment)).isSameAs(builder);
	}

	@Test
	void serviceClientsUseTheBlockingJdkFactoryWhenThePropertyNamesJdk() {
		this.contextRunner.withUserConfiguration(ListedClientConfiguration.class, RequestFactoryCapture.class)
			.withPropertyValues("spring.http.clients.imperative.factory=jdk")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				context.getBean(CatalogClient.class);
				ClientHttpRequestFactory factory = context.getBean(RequestFactoryCapture.class).factories.get("catalog");
				// Switchboard's pipeline wraps the transport and names it.
				assertThat(factory).asString()
					.startsWith("ServiceCallRequestFactory[")
					.endsWith("-> JdkBlockingClientHttpRequestFactory[readTimeout=PT10S]]");
			});
	}

	private static InvalidSwitchboardPropertyException findCause(Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (current instanceof InvalidSwitchboardPropertyException ex) {
				return ex;
			}
		}
		throw new AssertionError("No InvalidSwitchboardPropertyException in " + failure, failure);
	}

	@ServiceClient("catalog")
	@HttpExchange("/products")
	interface CatalogClient {

		@GetExchange("/{id}")
		String product(@PathVariable String id);

	}

	@ServiceClient
	interface UnnamedClient {

		@GetExchange("/")
		String get();

	}

	@Configuration(proxyBeanMethods = false)
	@EnableServiceClients(clients = CatalogClient.class)
	static class ListedClientConfiguration {

	}

	@ServiceClient(name = "bad", fallback = String.class)
	interface BadFallbackClient {

		@GetExchange("/")
		String get();

	}

	@Configuration(proxyBeanMethods = false)
	@EnableServiceClients(clients = BadFallbackClient.class)
	static class BadFallbackConfiguration {

		@org.springframework.context.annotation.Bean
		String bootstrap(BadFallbackClient client) {
			return "";
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableServiceClients(clients = UnnamedClient.class)
	static class UnnamedClientConfiguration {

	}

	/**
	 * Records the request factory of each group once every other configurer has run.
	 */
	static class RequestFactoryCapture implements RestClientHttpServiceGroupConfigurer {

		final Map<String, ClientHttpRequestFactory> factories = new ConcurrentHashMap<>();

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}

		@Override
		public void configureGroups(Groups<RestClient.Builder> groups) {
			groups.forEachClient((group, builder) -> this.factories.put(group.name(),
					(ClientHttpRequestFactory) ReflectionTestUtils.getField(builder, "requestFactory")));
		}

	}

}
