package dev.switchboard.autoconfigure.grpc.server;

import io.grpc.BindableService;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * Auto-configuration of Switchboard's gRPC serving on Spring gRPC's server: beans exported by interface
 * ({@code switchboard.grpc.server.exports}) and the server's port as instance metadata. Runs before Spring
 * gRPC's server, health and reflection auto-configurations, which only apply when {@link BindableService} beans
 * are defined.
 *
 * @author Switchboard
 */
@AutoConfiguration(before = GrpcServerFactoryAutoConfiguration.class,
		beforeName = { "org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration",
				"org.springframework.boot.grpc.server.autoconfigure.GrpcServerReflectionAutoConfiguration" })
@ConditionalOnClass({ BindableService.class, GrpcServerStartedEvent.class, GrpcServerFactoryAutoConfiguration.class })
@EnableConfigurationProperties(GrpcServerExportProperties.class)
@Import(GrpcServiceExportRegistrar.class)
public final class SwitchboardGrpcServerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GrpcServerPortMetadataContributor switchboardGrpcServerPortMetadataContributor() {
		return new GrpcServerPortMetadataContributor();
	}

}
