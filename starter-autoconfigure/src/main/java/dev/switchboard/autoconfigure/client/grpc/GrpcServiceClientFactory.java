package dev.switchboard.autoconfigure.client.grpc;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.switchboard.autoconfigure.client.ClientProtocol;
import dev.switchboard.autoconfigure.client.ClientSettings;
import dev.switchboard.autoconfigure.client.MethodPolicies;
import dev.switchboard.autoconfigure.client.ServiceClientGuard;
import dev.switchboard.autoconfigure.client.ServiceClientGuards;
import dev.switchboard.autoconfigure.client.ServiceClientProperties;
import dev.switchboard.autoconfigure.client.ServiceClientProxyFactory;
import dev.switchboard.autoconfigure.client.ServiceClientRuntime;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.autoconfigure.client.rest.ServiceClientHttpServiceGroupConfigurer;
import dev.switchboard.autoconfigure.grpc.internal.ServiceInterfaceContract;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.aop.framework.ProxyFactory;

/**
 * Creates the proxies of {@code @ServiceClient} interfaces whose client has {@code protocol: grpc}. Each
 * interface is parsed and validated when its bean is created, so a method that cannot be called over gRPC
 * fails the startup, naming the interface, method and parameter.
 *
 * @author Switchboard
 */
final class GrpcServiceClientFactory implements ServiceClientProxyFactory {

	private final SwitchboardGrpcChannelFactory<?> channels;

	private final ServiceClientProperties properties;

	private final ServiceDiscovery discovery;

	private final JsonMapper jsonMapper;

	private final ServiceClientRuntimes runtimes;

	private final ServiceClientGuards guards;

	private final @Nullable Executor hedgeExecutor;

	GrpcServiceClientFactory(SwitchboardGrpcChannelFactory<?> channels, ServiceClientProperties properties,
			ServiceDiscovery discovery, JsonMapper jsonMapper, ServiceClientRuntimes runtimes,
			ServiceClientGuards guards, @Nullable Executor hedgeExecutor) {
		this.channels = channels;
		this.properties = properties;
		this.discovery = discovery;
		this.jsonMapper = jsonMapper;
		this.runtimes = runtimes;
		this.guards = guards;
		this.hedgeExecutor = hedgeExecutor;
	}

	@Override
	public ClientProtocol protocol() {
		return ClientProtocol.GRPC;
	}

	@Override
	public <T> T createClient(Class<T> type, String clientName) {
		ServiceInterfaceContract contract = ServiceInterfaceContract.of(type, this.jsonMapper);
		ClientSettings settings = this.properties.resolve(clientName);
		Duration read = (settings.readTimeout() != null) ? settings.readTimeout()
				: ServiceClientHttpServiceGroupConfigurer.DEFAULT_READ_TIMEOUT;
		ServiceClientRuntime runtime = this.runtimes.getOrCreate(clientName,
				(name) -> new ServiceClientRuntime(settings, MethodPolicies.of(settings, List.of(type)),
						this.runtimes.getBalancers(), this.hedgeExecutor));
		this.channels.shareBalancer(clientName, runtime.getBalancer());
		GrpcServiceClientInvocationHandler handler = new GrpcServiceClientInvocationHandler(contract, clientName,
				settings.serviceId(), this.channels.channel(clientName), this.discovery, read, runtime);
		Object client = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, handler);
		// The same guards as over REST: Resilience4j policies and the fallback around the whole call.
		Supplier<Object> fallback = this.guards.fallback(type);
		if (this.guards.decorator() == null && fallback == null) {
			return type.cast(client);
		}
		ProxyFactory guarded = new ProxyFactory(client);
		guarded.addInterface(type);
		guarded.addAdvice(new ServiceClientGuard(settings, this.guards.decorator(), fallback));
		return type.cast(guarded.getProxy(type.getClassLoader()));
	}

}
