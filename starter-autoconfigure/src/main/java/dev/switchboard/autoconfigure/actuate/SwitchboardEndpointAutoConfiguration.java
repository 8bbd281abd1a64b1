package dev.switchboard.autoconfigure.actuate;

import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.channel.ChannelAutoConfiguration;
import dev.switchboard.autoconfigure.channel.ChannelListenerRegistry;
import dev.switchboard.autoconfigure.channel.ChannelRegistry;
import dev.switchboard.autoconfigure.channel.MessageOutbox;
import dev.switchboard.autoconfigure.client.ServiceClientAutoConfiguration;
import dev.switchboard.autoconfigure.client.ServiceClientProperties;
import dev.switchboard.autoconfigure.client.ServiceClientRegistry;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.autoconfigure.client.grpc.SwitchboardGrpcChannelFactory;
import dev.switchboard.autoconfigure.client.grpc.SwitchboardGrpcClientAutoConfiguration;
import dev.switchboard.autoconfigure.discovery.ServiceDiscoveryAutoConfiguration;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the {@code switchboard} actuator endpoint ({@code /actuator/switchboard} once exposed
 * with {@code management.endpoints.web.exposure.include}).
 *
 * @author Switchboard
 */
@AutoConfiguration(after = { ServiceDiscoveryAutoConfiguration.class, ServiceClientAutoConfiguration.class,
		ChannelAutoConfiguration.class, SwitchboardGrpcClientAutoConfiguration.class })
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
public final class SwitchboardEndpointAutoConfiguration {

	private static final boolean RESILIENCE4J_PRESENT = ClassUtils.isPresent(
			"io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry",
			SwitchboardEndpointAutoConfiguration.class.getClassLoader());

	private static final boolean GRPC_PRESENT = ClassUtils.isPresent("io.grpc.ManagedChannel",
			SwitchboardEndpointAutoConfiguration.class.getClassLoader())
			&& ClassUtils.isPresent("org.springframework.grpc.client.GrpcChannelFactory",
					SwitchboardEndpointAutoConfiguration.class.getClassLoader());

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	SwitchboardEndpoint switchboardEndpoint(ObjectProvider<ServiceClientProperties> clientProperties,
			ObjectProvider<ServiceClientRuntimes> runtimes, ObjectProvider<ServiceDiscovery> discovery,
			ObjectProvider<ChannelRegistry> channelRegistry, ObjectProvider<ChannelListenerRegistry> listenerRegistry,
			ObjectProvider<MessageOutbox> outbox, BeanFactory beanFactory) {
		ServiceClientRegistry clientRegistry = beanFactory.containsBean(ServiceClientRegistry.BEAN_NAME)
				? beanFactory.getBean(ServiceClientRegistry.BEAN_NAME, ServiceClientRegistry.class) : null;
		// Optional libraries are only touched through nested classes, loaded when the library is present.
		Function<String, @Nullable String> circuitBreakers = RESILIENCE4J_PRESENT
				? CircuitBreakerStates.of(beanFactory.getBeanProvider(CircuitBreakerRegistry.class)) : (name) -> null;
		Function<String, @Nullable LoadBalancer> grpcBalancers = GRPC_PRESENT ? GrpcBalancers.of(beanFactory)
				: (name) -> null;
		return new SwitchboardEndpoint(clientProperties.getIfAvailable(), clientRegistry, runtimes.getIfAvailable(),
				discovery.getIfAvailable(), channelRegistry.getIfAvailable(), listenerRegistry.getIfAvailable(),
				circuitBreakers, grpcBalancers, outbox.getIfAvailable());
	}

	private static final class CircuitBreakerStates {

		static Function<String, @Nullable String> of(ObjectProvider<CircuitBreakerRegistry> registry) {
			return (name) -> {
				CircuitBreakerRegistry circuitBreakers = registry.getIfAvailable();
				if (circuitBreakers == null) {
					return null;
				}
				// find, not circuitBreaker(name): describing a client must not create its breaker.
				return circuitBreakers.find(name).map(CircuitBreaker::getState).map(Enum::name).orElse(null);
			};
		}

	}

	private static final class GrpcBalancers {

		@SuppressWarnings("rawtypes")
		static Function<String, @Nullable LoadBalancer> of(BeanFactory beanFactory) {
			ObjectProvider<SwitchboardGrpcChannelFactory> factory = beanFactory
				.getBeanProvider(SwitchboardGrpcChannelFactory.class);
			return (name) -> {
				SwitchboardGrpcChannelFactory<?> channels = factory.getIfAvailable();
				return (channels != null) ? channels.getBalancer(name) : null;
			};
		}

	}

}
