package dev.switchboard.autoconfigure.grpc.server;

import java.util.List;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns on Spring gRPC's health service by default when the application exports interfaces over gRPC. Spring
 * gRPC enables it by default only for {@code BindableService} beans it sees while parsing configuration, which
 * is before auto-configured exports exist. An explicit {@code spring.grpc.server.health.enabled} still wins: the
 * default is added with the lowest precedence.
 *
 * @author Switchboard
 */
class GrpcServerExportEnvironmentPostProcessor implements EnvironmentPostProcessor {

	private static final String HEALTH_ENABLED = "spring.grpc.server.health.enabled";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		List<String> exports = Binder.get(environment)
			.bind("switchboard.grpc.server.exports", Bindable.listOf(String.class))
			.orElse(List.of());
		if (!exports.isEmpty() && !environment.containsProperty(HEALTH_ENABLED)) {
			environment.getPropertySources()
				.addLast(new MapPropertySource("switchboardGrpcServerDefaults", Map.of(HEALTH_ENABLED, "true")));
		}
	}

}
