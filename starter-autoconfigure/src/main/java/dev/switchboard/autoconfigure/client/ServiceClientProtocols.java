package dev.switchboard.autoconfigure.client;

import java.util.function.Supplier;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Reads each client's protocol while bean definitions are registered, and registers the beans of clients
 * whose protocol is not REST (those do not join an HTTP service group).
 *
 * @author Switchboard
 */
final class ServiceClientProtocols {

	private ServiceClientProtocols() {
	}

	static ClientProtocol protocol(Environment environment, String clientName) {
		Binder binder = Binder.get(environment);
		return binder.bind("switchboard.clients." + clientName + ".protocol", ClientProtocol.class)
			.orElseGet(() -> binder.bind("switchboard.client-defaults.protocol", ClientProtocol.class)
				.orElse(ClientProtocol.REST));
	}

	static void register(BeanDefinitionRegistry registry, BeanFactory beanFactory, Class<?> type, String clientName,
			ClientProtocol protocol) {
		String beanName = clientName + "#" + type.getName();
		if (registry.containsBeanDefinition(beanName)) {
			return;
		}
		RootBeanDefinition definition = new RootBeanDefinition(type);
		definition.setInstanceSupplier(supplier(beanFactory, type, clientName, protocol));
		// As for REST clients: injecting the interface gets the client, even where a fallback or the exported
		// implementation in the same application implements it too.
		definition.setPrimary(true);
		registry.registerBeanDefinition(beanName, definition);
	}

	private static Supplier<Object> supplier(BeanFactory beanFactory, Class<?> type, String clientName,
			ClientProtocol protocol) {
		return () -> beanFactory.getBeanProvider(ServiceClientProxyFactory.class)
			.orderedStream()
			.filter((factory) -> factory.protocol() == protocol)
			.findFirst()
			.orElseThrow(() -> new InvalidSwitchboardPropertyException("switchboard.clients." + clientName + ".protocol",
					protocol, "the " + protocol + " transport is not on the classpath: add "
							+ "org.springframework.grpc:spring-grpc-spring-boot-starter to the application's dependencies",
					"rest, grpc"))
			.createClient(type, clientName);
	}

}
