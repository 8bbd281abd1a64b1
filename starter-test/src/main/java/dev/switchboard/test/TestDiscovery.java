package dev.switchboard.test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Points services at test servers through the static discovery backend, which
 * {@link AutoConfigureSwitchboardTest} switches on. Use it from a {@code @DynamicPropertySource} method, so that
 * a server started by the test (a JDK {@code HttpServer}, a WireMock server, another application context) is
 * known by the time the context starts:
 * <pre class="code">
 * &#64;DynamicPropertySource
 * static void inventory(DynamicPropertyRegistry registry) {
 *     TestDiscovery.pointService(registry, "inventory", () -&gt; "http://127.0.0.1:" + server.port());
 * }
 * </pre>
 * The instances replace those the application's configuration lists for that service (a list property is
 * taken whole from the source with the highest precedence). A client reaches service
 * {@code switchboard.clients.<name>.service-id}, which is the client name unless set. gRPC clients call the
 * instance's port unless {@code switchboard.clients.<name>.grpc.port} says otherwise.
 *
 * @author Switchboard
 */
public final class TestDiscovery {

	private TestDiscovery() {
	}

	/**
	 * Lists the instances of a service.
	 * @param registry the registry of a {@code @DynamicPropertySource} method
	 * @param serviceId the service id
	 * @param urls the base URLs of its instances, e.g. {@code http://127.0.0.1:8080}
	 */
	public static void pointService(DynamicPropertyRegistry registry, String serviceId, String... urls) {
		String[] properties = properties(serviceId, urls);
		for (String property : properties) {
			int separator = property.indexOf('=');
			String value = property.substring(separator + 1);
			registry.add(property.substring(0, separator), () -> value);
		}
	}

	/**
	 * Makes a service's only instance a URL that is known once the test server has started.
	 * @param registry the registry of a {@code @DynamicPropertySource} method
	 * @param serviceId the service id
	 * @param url supplies the base URL, called when the context reads the property
	 */
	public static void pointService(DynamicPropertyRegistry registry, String serviceId, Supplier<String> url) {
		registry.add(instanceProperty(serviceId, 0), url::get);
	}

	/**
	 * The properties that list the instances of a service, as {@code key=value} strings for
	 * {@code @SpringBootTest(properties = ...)} or {@code ApplicationContextRunner.withPropertyValues(...)}.
	 * @param serviceId the service id
	 * @param urls the base URLs of its instances
	 * @return the properties
	 */
	public static String[] properties(String serviceId, String... urls) {
		if (serviceId.isBlank()) {
			throw new IllegalArgumentException("serviceId must not be blank but was '" + serviceId + "'");
		}
		if (urls.length == 0) {
			throw new IllegalArgumentException("At least one URL is needed for service '" + serviceId + "'");
		}
		List<String> properties = new ArrayList<>();
		for (int i = 0; i < urls.length; i++) {
			properties.add(instanceProperty(serviceId, i) + "=" + urls[i]);
		}
		return properties.toArray(String[]::new);
	}

	/**
	 * The base URL of a server on the loopback address.
	 * @param port the server's port
	 * @return {@code http://127.0.0.1:<port>}
	 */
	public static String localUrl(int port) {
		return "http://127.0.0.1:" + port;
	}

	// Brackets keep service ids with dots a single map key.
	private static String instanceProperty(String serviceId, int index) {
		return "switchboard.discovery.static.services[" + serviceId + "][" + index + "]";
	}

}
