package dev.switchboard.autoconfigure.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * The {@code @ServiceClient} interfaces of the application, by client name. Filled while bean definitions are
 * registered, read-only afterwards.
 *
 * @author Switchboard
 */
public final class ServiceClientRegistry {

	/** Name of the bean holding the registry. */
	public static final String BEAN_NAME = "switchboardServiceClientRegistry";

	private final Map<String, Set<String>> interfacesByClient = new LinkedHashMap<>();

	void add(String clientName, String interfaceName) {
		this.interfacesByClient.computeIfAbsent(clientName, (name) -> new LinkedHashSet<>()).add(interfaceName);
	}

	/**
	 * Whether a client of that name exists.
	 * @param clientName the client name
	 * @return whether an interface declares it
	 */
	public boolean contains(String clientName) {
		return this.interfacesByClient.containsKey(clientName);
	}

	/**
	 * The interfaces of one client.
	 * @param clientName the client name
	 * @param classLoader the class loader to load them with
	 * @return the interfaces, empty if there is no such client
	 */
	public List<Class<?>> getInterfaces(String clientName, @Nullable ClassLoader classLoader) {
		List<Class<?>> types = new ArrayList<>();
		for (String name : this.interfacesByClient.getOrDefault(clientName, Set.of())) {
			types.add(ClassUtils.resolveClassName(name, classLoader));
		}
		return types;
	}

	/**
	 * The client names and the interfaces that declare each.
	 * @return client name to interface class names
	 */
	public Map<String, Set<String>> getInterfacesByClient() {
		return Collections.unmodifiableMap(this.interfacesByClient);
	}

}
