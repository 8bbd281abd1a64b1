package dev.switchboard.autoconfigure.client.grpc;

import java.lang.reflect.Proxy;
import java.time.Duration;

import tools.jackson.databind.json.JsonMapper;

import dev.switchboard.autoconfigure.client.ClientProtocol;
import dev.switchboard.autoconfigure.client.ClientSettings;
import dev.switchboard.autoconfigure.client.ServiceClientProperties;
import dev.switchboard.autoconfigure.client.ServiceClientProxyFactory;
import dev.switchboard.autoconfigure.client.rest.ServiceClientHttpServiceGroupConfigurer;
import dev.switchboard.autoconfigure.grpc.internal.ServiceInterfaceContract;
import dev.switchboard.core.discovery.ServiceDiscovery;

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

	GrpcServiceClientFactory(SwitchboardGrpcChannelFactory<?> channels, ServiceClientProperties properties,
			ServiceDiscovery discovery, JsonMapper jsonMapper) {
		this.channels = channels;
		this.properties = properties;
		this.discovery = discovery;
		this.jsonMapper = jsonMapper;
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
		GrpcServiceClientInvocationHandler handler = new GrpcServiceClientInvocationHandler(contract, clientName,
				settings.serviceId(), this.channels.channel(clientName), this.discovery, read);
		return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, handler));
	}

}
