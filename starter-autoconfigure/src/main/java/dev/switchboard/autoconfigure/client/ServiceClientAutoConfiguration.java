package dev.switchboard.autoconfigure.client;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;

import dev.switchboard.autoconfigure.client.resilience.Resilience4jServiceCallDecorator;
import dev.switchboard.autoconfigure.client.rest.JdkBlockingClientHttpRequestFactory;
import dev.switchboard.autoconfigure.client.rest.JdkBlockingClientHttpRequestFactoryBuilder;
import dev.switchboard.autoconfigure.client.rest.ServiceClientHttpServiceGroupConfigurer;
import dev.switchboard.autoconfigure.discovery.LocalZone;
import dev.switchboard.autoconfigure.discovery.ServiceDiscoveryAutoConfiguration;
import dev.switchboard.autoconfigure.observation.SwitchboardObservations;
import dev.switchboard.autoconfigure.propagation.PropagatedHeaders;
import dev.switchboard.core.annotation.ServiceClient;
import dev.switchboard.core.discovery.CachingServiceDiscovery;
import dev.switchboard.core.discovery.ServiceDiscovery;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.JdkClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.HttpClientSettingsPropertyMapper;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientProperties;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRestClientHttpServiceGroupConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration of {@code @ServiceClient} interfaces: each becomes a bean of Spring's HTTP service group
 * named after the client, whose calls are routed through discovery and the client's load balancer.
 * <p>
 * Ordered before Spring Boot's HTTP service client auto-configuration, which only applies its
 * {@code spring.http.serviceclient.*} settings when groups are already registered.
 *
 * @author Switchboard
 */
@AutoConfiguration(after = { ServiceDiscoveryAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class },
		before = HttpServiceClientAutoConfiguration.class)
@ConditionalOnClass({ RestClient.class, ServiceClient.class })
@EnableConfigurationProperties({ ServiceClientProperties.class, ServiceCallExecutorProperties.class })
@Import(ServiceClientsRegistrar.class)
public final class ServiceClientAutoConfiguration {

	/** Name of the executor running the attempts of hedged calls and the calls under a time limiter. */
	public static final String HEDGE_EXECUTOR_BEAN_NAME = "switchboardHedgeExecutor";

	private static final String FACTORY_PROPERTY = "spring.http.clients.imperative.factory";

	@Bean
	ServiceClientHttpServiceGroupConfigurer switchboardServiceClientGroupConfigurer(
			@Qualifier(ServiceClientRegistry.BEAN_NAME) ServiceClientRegistry registry,
			ServiceClientProperties properties, ObjectProvider<ServiceDiscovery> discovery,
			ResourceLoader resourceLoader, ObjectProvider<ClientHttpRequestFactoryBuilder<?>> requestFactoryBuilder,
			ObjectProvider<SslBundles> sslBundles, ObjectProvider<HttpClientSettings> httpClientSettings,
			ObjectProvider<HttpServiceClientProperties> bootProperties, Environment environment,
			ServiceClientRuntimes runtimes,
			ServiceClientGuards guards, @Qualifier(HEDGE_EXECUTOR_BEAN_NAME) ExecutorService hedgeExecutor,
			ObjectProvider<SwitchboardObservations> observations, ObjectProvider<PropagatedHeaders> propagatedHeaders,
			ObjectProvider<LoadBalancerRestClientHttpServiceGroupConfigurer> springCloudLoadBalancerGroups) {
		ClientHttpRequestFactoryBuilder<?> builder = transport(requestFactoryBuilder
			.getIfAvailable(() -> ClientHttpRequestFactoryBuilder.detect(resourceLoader.getClassLoader())), environment);
		HttpClientSettingsPropertyMapper mapper = new HttpClientSettingsPropertyMapper(sslBundles.getIfAvailable(),
				httpClientSettings.getIfAvailable());
		return new ServiceClientHttpServiceGroupConfigurer(registry, properties, discovery.getObject(), builder, mapper,
				bootProperties.getIfAvailable(), runtimes, guards, hedgeExecutor, resourceLoader.getClassLoader(),
				observations.getIfAvailable(() -> SwitchboardObservations.NOOP),
				propagatedHeaders.getIfAvailable(() -> PropagatedHeaders.NONE), sslBundles.getIfAvailable(),
				addsSpringCloudLoadBalancerInterceptor(springCloudLoadBalancerGroups.getIfAvailable()));
	}

	/**
	 * Whether Spring Cloud LoadBalancer's group configurer puts its interceptor on Switchboard's groups too: not
	 * when it is Switchboard's own, which leaves those groups alone.
	 */
	private static boolean addsSpringCloudLoadBalancerInterceptor(@Nullable Object configurer) {
		return configurer != null && !configurer.getClass()
			.getName()
			.equals("dev.switchboard.autoconfigure.loadbalancer.SwitchboardGroupsExcludedConfigurer");
	}

	/**
	 * The transport of service clients: the one the application chose with
	 * {@code spring.http.clients.imperative.factory} or a builder bean, else the one Spring Boot detects, except
	 * for the JDK {@code HttpClient}. Detected by Boot (its choice when no other client library is present), it is
	 * replaced by {@code HttpURLConnection}; named by the property, Spring's JDK factory is replaced by
	 * {@link JdkBlockingClientHttpRequestFactory}, which calls the blocking {@code send} instead of
	 * {@code sendAsync} and its thread hop (about half the calls/s of {@code send} on a 2-CPU machine,
	 * docs/benchmarks.md).
	 */
	static ClientHttpRequestFactoryBuilder<?> transport(ClientHttpRequestFactoryBuilder<?> builder,
			Environment environment) {
		if (builder instanceof JdkClientHttpRequestFactoryBuilder) {
			String factory = environment.getProperty(FACTORY_PROPERTY);
			if (factory == null) {
				return ClientHttpRequestFactoryBuilder.simple();
			}
			if (factory.trim().equalsIgnoreCase("jdk")) {
				return new JdkBlockingClientHttpRequestFactoryBuilder();
			}
		}
		return builder;
	}

	@Bean
	@ConditionalOnMissingBean
	ServiceClientGuards switchboardServiceClientGuards(ObjectProvider<ServiceCallDecorator> decorator,
			BeanFactory beanFactory) {
		return new ServiceClientGuards(decorator.getIfUnique(), beanFactory::getBean);
	}

	@Bean
	@ConditionalOnMissingBean
	ServiceClientRuntimes switchboardServiceClientRuntimes(ObjectProvider<ServiceDiscovery> discovery,
			ClientBalancers balancers) {
		ServiceClientRuntimes runtimes = new ServiceClientRuntimes(balancers);
		if (discovery.getIfAvailable() instanceof CachingServiceDiscovery caching) {
			caching.addListener(runtimes);
		}
		return runtimes;
	}

	@Bean
	@ConditionalOnMissingBean
	ClientBalancers switchboardClientBalancers(Environment environment, ObjectProvider<ServiceDiscovery> discovery) {
		return new ClientBalancers(LocalZone.resolve(environment), discovery.getIfAvailable());
	}

	@Bean(name = HEDGE_EXECUTOR_BEAN_NAME, destroyMethod = "shutdownNow")
	ExecutorService switchboardHedgeExecutor(ServiceCallExecutorProperties properties) {
		// Attempts block on I/O, so threads are started on demand up to the bound and die after a minute idle.
		// Nothing is queued: a task that finds every thread busy is refused at once, and the callers handle that
		// (a hedge is skipped, a time-limited call fails fast), so neither memory nor the caller's wait grows.
		AtomicInteger threads = new AtomicInteger();
		return new ThreadPoolExecutor(0, properties.getMaxThreads(), 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
				(runnable) -> {
					Thread thread = new Thread(runnable, "switchboard-hedge-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				}, new ThreadPoolExecutor.AbortPolicy());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ CircuitBreakerRegistry.class, BulkheadRegistry.class, RateLimiterRegistry.class,
			TimeLimiterRegistry.class })
	static class Resilience4jConfiguration {

		@Bean
		@ConditionalOnMissingBean(ServiceCallDecorator.class)
		Resilience4jServiceCallDecorator switchboardResilience4jServiceCallDecorator(
				ObjectProvider<CircuitBreakerRegistry> circuitBreakers, ObjectProvider<BulkheadRegistry> bulkheads,
				ObjectProvider<RateLimiterRegistry> rateLimiters, ObjectProvider<TimeLimiterRegistry> timeLimiters,
				@Qualifier(HEDGE_EXECUTOR_BEAN_NAME) ExecutorService executor) {
			// Resilience4j's Spring Boot module configures the registries from resilience4j.*; without it the
			// instances use Resilience4j's defaults.
			return new Resilience4jServiceCallDecorator(circuitBreakers.getIfAvailable(CircuitBreakerRegistry::ofDefaults),
					bulkheads.getIfAvailable(BulkheadRegistry::ofDefaults),
					rateLimiters.getIfAvailable(RateLimiterRegistry::ofDefaults),
					timeLimiters.getIfAvailable(TimeLimiterRegistry::ofDefaults), executor);
		}

	}

	@Bean
	static ServiceClientBeanDefinitions switchboardServiceClientBeanDefinitions() {
		return new ServiceClientBeanDefinitions();
	}

	@Bean
	UnusedClientConfigurationReporter switchboardUnusedClientConfigurationReporter(
			ServiceClientProperties properties,
			@Qualifier(ServiceClientRegistry.BEAN_NAME) ServiceClientRegistry registry) {
		return new UnusedClientConfigurationReporter(properties, registry);
	}

}
