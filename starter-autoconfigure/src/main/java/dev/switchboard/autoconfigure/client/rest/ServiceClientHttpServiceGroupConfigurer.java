package dev.switchboard.autoconfigure.client.rest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.client.ClientSettings;
import dev.switchboard.autoconfigure.client.ClientTlsBundles;
import dev.switchboard.autoconfigure.client.MethodPolicies;
import dev.switchboard.autoconfigure.client.MethodPolicy;
import dev.switchboard.autoconfigure.client.ServiceClientProperties;
import dev.switchboard.autoconfigure.client.ServiceClientGuard;
import dev.switchboard.autoconfigure.client.ServiceClientGuards;
import dev.switchboard.autoconfigure.client.ServiceClientRegistry;
import dev.switchboard.autoconfigure.client.ServiceClientRuntime;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.autoconfigure.observation.SwitchboardObservations;
import dev.switchboard.autoconfigure.propagation.HeaderPropagationInterceptor;
import dev.switchboard.autoconfigure.propagation.PropagatedHeaders;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.autoconfigure.HttpClientProperties;
import org.springframework.boot.http.client.autoconfigure.HttpClientSettingsPropertyMapper;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.service.registry.HttpServiceGroup;

/**
 * Configures the HTTP service group of each {@code @ServiceClient}: its timeouts and, unless a fixed URL is
 * configured, routing of every call through discovery and the client's load balancer. Groups that are not
 * service clients are left alone.
 * <p>
 * Runs after Spring Boot's configurer (which applies {@code spring.http.serviceclient.<name>.*}) and after
 * Spring Cloud LoadBalancer's, whose interceptor it removes from service client groups: Switchboard does the
 * balancing itself, and balancing a call twice would pick an instance and then discard the choice.
 *
 * @author Switchboard
 */
public final class ServiceClientHttpServiceGroupConfigurer implements RestClientHttpServiceGroupConfigurer {

	/** Default connect timeout when neither Switchboard nor Spring Boot sets one. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

	/** Default read timeout when neither Switchboard nor Spring Boot sets one. */
	public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

	private static final int ORDER = 100;

	private static final String SPRING_CLOUD_LOAD_BALANCER_PACKAGE = "org.springframework.cloud.client.loadbalancer";

	private final ServiceClientRegistry registry;

	private final ServiceClientProperties properties;

	private final ServiceDiscovery discovery;

	private final ClientHttpRequestFactoryBuilder<?> requestFactoryBuilder;

	private final HttpClientSettingsPropertyMapper settingsMapper;

	private final @Nullable HttpServiceClientProperties bootProperties;

	private final ServiceClientRuntimes runtimes;

	private final ServiceClientGuards guards;

	private final Executor hedgeExecutor;

	private final @Nullable ClassLoader classLoader;

	private final SwitchboardObservations observations;

	private final PropagatedHeaders propagatedHeaders;

	private final @Nullable SslBundles sslBundles;

	private final boolean springCloudLoadBalancerGroups;

	/**
	 * Creates a configurer.
	 * @param registry the service clients of the application
	 * @param properties Switchboard's client properties
	 * @param discovery the discovery view calls are routed with
	 * @param requestFactoryBuilder builds each client's transport
	 * @param settingsMapper maps Spring Boot's HTTP client properties to settings
	 * @param bootProperties Spring Boot's {@code spring.http.serviceclient.*} properties, if any
	 * @param runtimes the runtimes of the service clients
	 * @param guards the call decorator and fallbacks of the service clients
	 * @param hedgeExecutor runs the attempts of hedged calls
	 * @param classLoader loads the client interfaces
	 * @param observations observes calls and attempts
	 * @param propagatedHeaders the incoming headers copied to every call
	 * @param sslBundles the SSL bundles named by {@code switchboard.clients.<name>.tls.bundle}, if any
	 * @param springCloudLoadBalancerGroups whether Spring Cloud LoadBalancer adds its interceptor to HTTP service
	 * groups (its {@code LoadBalancerRestClientHttpServiceGroupConfigurer} is a bean), which Switchboard's clients
	 * then remove
	 */
	public ServiceClientHttpServiceGroupConfigurer(ServiceClientRegistry registry, ServiceClientProperties properties,
			ServiceDiscovery discovery, ClientHttpRequestFactoryBuilder<?> requestFactoryBuilder,
			HttpClientSettingsPropertyMapper settingsMapper, @Nullable HttpServiceClientProperties bootProperties,
			ServiceClientRuntimes runtimes, ServiceClientGuards guards, Executor hedgeExecutor,
			@Nullable ClassLoader classLoader, SwitchboardObservations observations,
			PropagatedHeaders propagatedHeaders, @Nullable SslBundles sslBundles,
			boolean springCloudLoadBalancerGroups) {
		this.registry = registry;
		this.properties = properties;
		this.discovery = discovery;
		this.requestFactoryBuilder = TransportRetries.disable(requestFactoryBuilder);
		this.settingsMapper = settingsMapper;
		this.bootProperties = bootProperties;
		this.runtimes = runtimes;
		this.guards = guards;
		this.hedgeExecutor = hedgeExecutor;
		this.classLoader = classLoader;
		this.observations = observations;
		this.propagatedHeaders = propagatedHeaders;
		this.sslBundles = sslBundles;
		this.springCloudLoadBalancerGroups = springCloudLoadBalancerGroups;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public void configureGroups(Groups<RestClient.Builder> groups) {
		Groups<RestClient.Builder> serviceClients = groups.filter((group) -> this.registry.contains(group.name()));
		serviceClients.forEachClient(this::configure);
		// Each call carries its method's policy (idempotency, timeout, hedging) to the interceptor.
		serviceClients.forEachProxyFactory((group, factory) -> {
			ServiceClientRuntime runtime = runtime(group.name());
			MethodPolicies policies = runtime.getPolicies();
			factory.httpRequestValuesProcessor((method, parameters, arguments, values) -> {
				MethodPolicy policy = policies.get(method);
				if (policy != null) {
					values.addAttribute(MethodPolicy.ATTRIBUTE, policy);
				}
			});
			// Circuit breaker, bulkhead, ... and the fallback wrap the whole call, retries included; the advice
			// goes first so that it runs before Spring's terminal HTTP service advice.
			factory.proxyFactoryCustomizer((proxyFactory, type) -> {
				Supplier<Object> fallback = this.guards.fallback(type);
				if (this.guards.decorator() != null || fallback != null) {
					proxyFactory.addAdvice(0,
							new ServiceClientGuard(runtime.getSettings(), this.guards.decorator(), fallback));
				}
			});
		});
	}

	private ServiceClientRuntime runtime(String name) {
		return this.runtimes.getOrCreate(name, (client) -> {
			ClientSettings settings = this.properties.resolve(client);
			return new ServiceClientRuntime(settings,
					MethodPolicies.of(settings, this.registry.getInterfaces(client, this.classLoader)),
					this.runtimes.getBalancers(), this.hedgeExecutor);
		});
	}

	private void configure(HttpServiceGroup group, RestClient.Builder builder) {
		ServiceClientRuntime runtime = runtime(group.name());
		ClientSettings settings = runtime.getSettings();
		HttpClientProperties bootGroup = (this.bootProperties != null) ? this.bootProperties.get(group.name()) : null;
		HttpClientSettings transport = this.settingsMapper.map(bootGroup);
		Duration connect = firstNonNull(settings.connectTimeout(), transport.connectTimeout(), DEFAULT_CONNECT_TIMEOUT);
		Duration read = firstNonNull(settings.readTimeout(), transport.readTimeout(), DEFAULT_READ_TIMEOUT);
		SslBundle sslBundle = ClientTlsBundles.resolve(this.properties, group.name(), this.sslBundles);
		HttpClientSettings clientTransport = (sslBundle != null)
				? transport.withTimeouts(connect, read).withSslBundle(sslBundle) : transport.withTimeouts(connect, read);
		ClientHttpRequestFactory requestFactory = this.requestFactoryBuilder.build(clientTransport);
		boolean methodTimeouts = runtime.getPolicies().asMap().values().stream().anyMatch((p) -> p.readTimeout() != null);
		if (methodTimeouts) {
			requestFactory = new AttemptTimeout.Factory(requestFactory,
					(timeout) -> this.requestFactoryBuilder.build(clientTransport.withReadTimeout(timeout)));
		}
		if (this.springCloudLoadBalancerGroups) {
			// Only when Spring Cloud LoadBalancer put its interceptor there: reaching the interceptor list creates it, and a RestClient with a list,
			// even an empty one, wraps every request in an intercepting request (a profile measured it at about
			// 7% of a loopback call's client time).
			builder.requestInterceptors((interceptors) -> interceptors
				.removeIf(ServiceClientHttpServiceGroupConfigurer::isSpringCloudLoadBalancer));
		}
		List<ClientHttpRequestInterceptor> pipeline = new ArrayList<>(2);
		if (this.propagatedHeaders.isEnabled()) {
			// Ahead of routing: headers are read on the caller's thread, before hedging.
			pipeline.add(new HeaderPropagationInterceptor(this.propagatedHeaders));
		}
		if (settings.url() != null) {
			builder.baseUrl(settings.url());
		}
		else if (bootGroup == null || !StringUtils.hasText(bootGroup.getBaseUrl())) {
			// The host is the client name; the pipeline replaces scheme, host and port on every call.
			builder.baseUrl("http://" + group.name());
			pipeline.add(new ServiceCallInterceptor(runtime, this.discovery, connect, read, this.observations,
					sslBundle != null));
		}
		builder.requestFactory(pipeline.isEmpty() ? requestFactory : new ServiceCallRequestFactory(requestFactory,
				pipeline));
	}

	private static boolean isSpringCloudLoadBalancer(ClientHttpRequestInterceptor interceptor) {
		return interceptor.getClass().getName().startsWith(SPRING_CLOUD_LOAD_BALANCER_PACKAGE);
	}

	private static Duration firstNonNull(@Nullable Duration first, @Nullable Duration second, Duration fallback) {
		return (first != null) ? first : (second != null) ? second : fallback;
	}

}
