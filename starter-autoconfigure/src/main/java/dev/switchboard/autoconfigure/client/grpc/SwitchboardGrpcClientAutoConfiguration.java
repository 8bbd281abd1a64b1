package dev.switchboard.autoconfigure.client.grpc;

import java.util.List;
import java.util.concurrent.ExecutorService;

import io.grpc.ManagedChannel;
import tools.jackson.databind.json.JsonMapper;

import dev.switchboard.autoconfigure.client.ServiceClientAutoConfiguration;
import dev.switchboard.autoconfigure.client.ServiceClientGuards;
import dev.switchboard.autoconfigure.client.ServiceClientProperties;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.autoconfigure.discovery.ServiceDiscoveryAutoConfiguration;
import dev.switchboard.autoconfigure.observation.SwitchboardObservations;
import dev.switchboard.autoconfigure.propagation.PropagatedHeaders;
import dev.switchboard.core.annotation.GrpcClient;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.grpc.client.autoconfigure.CompositeChannelFactoryAutoConfiguration;
import org.springframework.boot.grpc.client.autoconfigure.GrpcClientAutoConfiguration;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.client.ClientInterceptorsConfigurer;
import org.springframework.grpc.client.GrpcChannelBuilderCustomizer;
import org.springframework.grpc.client.GrpcChannelFactory;

/**
 * Auto-configuration of Switchboard's gRPC clients: the channel factory of {@code switchboard://<client>}
 * targets, {@code @GrpcClient} stub injection, and the proxies of {@code @ServiceClient} interfaces whose
 * client has {@code protocol: grpc}.
 * <p>
 * Ordered after Spring gRPC's client auto-configuration (whose customizers and interceptors it reuses) and
 * before its composite channel factory, which then offers {@code switchboard://} targets to this factory.
 *
 * @author Switchboard
 */
@AutoConfiguration(after = { ServiceDiscoveryAutoConfiguration.class, ServiceClientAutoConfiguration.class,
		GrpcClientAutoConfiguration.class }, before = CompositeChannelFactoryAutoConfiguration.class)
@ConditionalOnClass({ ManagedChannel.class, GrpcChannelFactory.class, GrpcClient.class })
@EnableConfigurationProperties(ServiceClientProperties.class)
public final class SwitchboardGrpcClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@SuppressWarnings({ "rawtypes", "unchecked" })
	SwitchboardGrpcChannelFactory<?> switchboardGrpcChannelFactory(ServiceClientProperties properties,
			ServiceDiscovery discovery, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<ClientInterceptorsConfigurer> interceptorsConfigurer,
			ObjectProvider<GrpcChannelBuilderCustomizer<?>> customizers, ApplicationContext context,
			ObjectProvider<SwitchboardObservations> observations, ObjectProvider<PropagatedHeaders> propagatedHeaders,
			ObjectProvider<ServiceClientRuntimes> runtimes,
			@Qualifier(ServiceClientAutoConfiguration.HEDGE_EXECUTOR_BEAN_NAME) ObjectProvider<ExecutorService> hedgeExecutor) {
		List<GrpcChannelBuilderCustomizer<?>> ordered = customizers.orderedStream().toList();
		// Spring gRPC's own customizers (spring.grpc.client.* defaults, compression) apply here too.
		GrpcChannelBuilderCustomizer all = (target, builder) -> ordered
			.forEach((customizer) -> ((GrpcChannelBuilderCustomizer) customizer).customize(target, builder));
		ClientInterceptorsConfigurer interceptors = interceptorsConfigurer.getIfAvailable(() -> {
			ClientInterceptorsConfigurer configurer = new ClientInterceptorsConfigurer(context);
			configurer.afterPropertiesSet();
			return configurer;
		});
		return new SwitchboardGrpcChannelFactory(List.of(all), interceptors, properties, discovery,
				sslBundles.getIfAvailable(), observations.getIfAvailable(() -> SwitchboardObservations.NOOP),
				propagatedHeaders.getIfAvailable(() -> PropagatedHeaders.NONE), runtimes.getIfAvailable(),
				hedgeExecutor.getIfAvailable());
	}

	@Bean
	static GrpcClientInjector switchboardGrpcClientInjector(
			ObjectProvider<SwitchboardGrpcChannelFactory<?>> channelFactory) {
		return new GrpcClientInjector(channelFactory);
	}

	@Bean
	@ConditionalOnMissingBean
	GrpcServiceClientFactory switchboardGrpcServiceClientFactory(SwitchboardGrpcChannelFactory<?> channelFactory,
			ServiceClientProperties properties, ServiceDiscovery discovery, ObjectProvider<JsonMapper> jsonMapper,
			ServiceClientRuntimes runtimes, ServiceClientGuards guards,
			@Qualifier(ServiceClientAutoConfiguration.HEDGE_EXECUTOR_BEAN_NAME) ObjectProvider<ExecutorService> hedgeExecutor) {
		return new GrpcServiceClientFactory(channelFactory, properties, discovery,
				jsonMapper.getIfAvailable(JsonMapper::shared), runtimes, guards, hedgeExecutor.getIfAvailable());
	}

}
