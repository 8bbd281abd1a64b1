package dev.switchboard.autoconfigure.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of Switchboard's service clients: one entry per client name, and defaults every entry
 * inherits.
 *
 * @author Switchboard
 */
@ConfigurationProperties("switchboard")
public class ServiceClientProperties {

	/**
	 * Settings of each client, keyed by the name in its {@code @ServiceClient} annotation.
	 */
	private final Map<String, Client> clients;

	/**
	 * Settings every client inherits unless its own entry sets them.
	 */
	private final Client clientDefaults;

	/**
	 * Creates the client properties, rejecting values Switchboard cannot use.
	 * @param clients the per-client settings
	 * @param clientDefaults the inherited settings
	 */
	public ServiceClientProperties(@Nullable Map<String, Client> clients, @Nullable Client clientDefaults) {
		Map<String, Client> copy = new LinkedHashMap<>();
		if (clients != null) {
			clients.forEach((name, client) -> copy.put(name, client.validate("switchboard.clients." + name)));
		}
		this.clients = Collections.unmodifiableMap(copy);
		this.clientDefaults = (clientDefaults != null) ? clientDefaults.validate("switchboard.client-defaults")
				: new Client(null, null, null, null, null, null, null);
	}

	/**
	 * The per-client entries, as configured.
	 * @return client name to settings
	 */
	public Map<String, Client> getClients() {
		return this.clients;
	}

	/**
	 * The settings every client inherits.
	 * @return the defaults
	 */
	public Client getClientDefaults() {
		return this.clientDefaults;
	}

	/**
	 * The effective settings of one client: its own entry, then the defaults, then built-in defaults.
	 * @param name the client name
	 * @return the resolved settings
	 */
	public ClientSettings resolve(String name) {
		Client own = this.clients.get(name);
		Client defaults = this.clientDefaults;
		String serviceId = (own != null && own.getServiceId() != null) ? own.getServiceId() : name;
		URI url = (own != null) ? own.parsedUrl : null;
		LoadBalancerType loadBalancer = first(LoadBalancerType.ROUND_ROBIN,
				(own != null) ? own.getLoadBalancer() : null, defaults.getLoadBalancer());
		Duration connect = firstOrNull((own != null) ? own.getTimeout().getConnect() : null,
				defaults.getTimeout().getConnect());
		Duration read = firstOrNull((own != null) ? own.getTimeout().getRead() : null, defaults.getTimeout().getRead());
		ClientProtocol protocol = first(ClientProtocol.REST, (own != null) ? own.getProtocol() : null,
				defaults.getProtocol());
		String tlsBundle = firstOrNull((own != null) ? own.getTls().getBundle() : null, defaults.getTls().getBundle());
		Integer grpcPort = firstOrNull((own != null) ? own.getGrpc().getPort() : null, defaults.getGrpc().getPort());
		return new ClientSettings(name, serviceId, url, loadBalancer, connect, read, protocol, tlsBundle, grpcPort);
	}

	private static <T> T first(T fallback, @Nullable T first, @Nullable T second) {
		return (first != null) ? first : (second != null) ? second : fallback;
	}

	private static <T> @Nullable T firstOrNull(@Nullable T first, @Nullable T second) {
		return (first != null) ? first : second;
	}

	/**
	 * Settings of one client. Every field is optional; unset fields are inherited.
	 */
	public static class Client {

		/**
		 * Fixed base URL that bypasses discovery, such as http://localhost:8080.
		 */
		private final @Nullable String url;

		/**
		 * Service id looked up in discovery. Defaults to the client name.
		 */
		private final @Nullable String serviceId;

		/**
		 * Load balancer that chooses the instance of each call.
		 */
		private final @Nullable LoadBalancerType loadBalancer;

		/**
		 * Connect and read timeouts.
		 */
		private final Timeout timeout;

		/**
		 * Protocol of the calls: rest, or grpc (the same interface, served by a gRPC server that exports it).
		 */
		private final @Nullable ClientProtocol protocol;

		/**
		 * Transport security of the calls.
		 */
		private final Tls tls;

		/**
		 * gRPC settings of the client.
		 */
		private final Grpc grpc;

		private final @Nullable URI parsedUrl;

		/**
		 * Creates the settings of one client.
		 * @param url fixed base URL, or {@code null} to use discovery
		 * @param serviceId service id in discovery, or {@code null} for the client name
		 * @param loadBalancer the balancer, or {@code null} to inherit
		 * @param timeout the timeouts, or {@code null} to inherit
		 * @param protocol the protocol, or {@code null} to inherit
		 * @param tls the transport security, or {@code null} to inherit
		 * @param grpc the gRPC settings, or {@code null} to inherit
		 */
		public Client(@Nullable String url, @Nullable String serviceId, @Nullable LoadBalancerType loadBalancer,
				@Nullable Timeout timeout, @Nullable ClientProtocol protocol, @Nullable Tls tls, @Nullable Grpc grpc) {
			this.url = url;
			this.serviceId = serviceId;
			this.loadBalancer = loadBalancer;
			this.timeout = (timeout != null) ? timeout : new Timeout(null, null);
			this.protocol = protocol;
			this.tls = (tls != null) ? tls : new Tls(null);
			this.grpc = (grpc != null) ? grpc : new Grpc(null);
			this.parsedUrl = null;
		}

		private Client(Client source, @Nullable URI parsedUrl) {
			this.url = source.url;
			this.serviceId = source.serviceId;
			this.loadBalancer = source.loadBalancer;
			this.timeout = source.timeout;
			this.protocol = source.protocol;
			this.tls = source.tls;
			this.grpc = source.grpc;
			this.parsedUrl = parsedUrl;
		}

		/**
		 * Fixed base URL that bypasses discovery.
		 * @return the URL, or {@code null}
		 */
		public @Nullable String getUrl() {
			return this.url;
		}

		/**
		 * Service id looked up in discovery.
		 * @return the service id, or {@code null} for the client name
		 */
		public @Nullable String getServiceId() {
			return this.serviceId;
		}

		/**
		 * Load balancer of the client.
		 * @return the balancer type, or {@code null} to inherit
		 */
		public @Nullable LoadBalancerType getLoadBalancer() {
			return this.loadBalancer;
		}

		/**
		 * Timeouts of the client.
		 * @return the timeouts
		 */
		public Timeout getTimeout() {
			return this.timeout;
		}

		/**
		 * Protocol of the client.
		 * @return the protocol, or {@code null} to inherit
		 */
		public @Nullable ClientProtocol getProtocol() {
			return this.protocol;
		}

		/**
		 * Transport security of the client.
		 * @return the TLS settings
		 */
		public Tls getTls() {
			return this.tls;
		}

		/**
		 * gRPC settings of the client.
		 * @return the gRPC settings
		 */
		public Grpc getGrpc() {
			return this.grpc;
		}

		Client validate(String prefix) {
			this.timeout.validate(prefix + ".timeout");
			this.tls.validate(prefix + ".tls");
			this.grpc.validate(prefix + ".grpc");
			if (this.serviceId != null && this.serviceId.isBlank()) {
				throw new InvalidSwitchboardPropertyException(prefix + ".service-id", this.serviceId,
						"must not be blank", "a service id known to discovery");
			}
			URI parsed = (this.url != null) ? parseUrl(prefix + ".url", this.url) : null;
			return new Client(this, parsed);
		}

		private static URI parseUrl(String property, String url) {
			String allowed = "an absolute http or https URL with a host, such as http://localhost:8080";
			try {
				URI uri = new URI(url.trim());
				String scheme = uri.getScheme();
				if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
						|| uri.getHost() == null) {
					throw new InvalidSwitchboardPropertyException(property, url,
							"the URL must be absolute, start with http:// or https:// and name a host", allowed);
				}
				return uri;
			}
			catch (URISyntaxException ex) {
				throw new InvalidSwitchboardPropertyException(property, url, "not a valid URL (" + ex.getReason() + ")",
						allowed);
			}
		}

	}

	/**
	 * Connect and read timeouts of a client. Unset values fall back to the client defaults, then to
	 * {@code spring.http.serviceclient.<name>.*}, then to Switchboard's defaults (connect 2s, read 10s).
	 */
	public static class Timeout {

		/**
		 * Maximum time to establish a connection to an instance.
		 */
		private final @Nullable Duration connect;

		/**
		 * Maximum time to wait for an instance's response.
		 */
		private final @Nullable Duration read;

		/**
		 * Creates the timeouts.
		 * @param connect connect timeout, or {@code null} to inherit
		 * @param read read timeout, or {@code null} to inherit
		 */
		public Timeout(@Nullable Duration connect, @Nullable Duration read) {
			this.connect = connect;
			this.read = read;
		}

		/**
		 * Maximum time to establish a connection.
		 * @return the connect timeout, or {@code null} to inherit
		 */
		public @Nullable Duration getConnect() {
			return this.connect;
		}

		/**
		 * Maximum time to wait for a response.
		 * @return the read timeout, or {@code null} to inherit
		 */
		public @Nullable Duration getRead() {
			return this.read;
		}

		void validate(String prefix) {
			requirePositive(prefix + ".connect", this.connect);
			requirePositive(prefix + ".read", this.read);
		}

		private static void requirePositive(String property, @Nullable Duration value) {
			if (value != null && (value.isNegative() || value.isZero())) {
				throw new InvalidSwitchboardPropertyException(property, value, "must be a positive duration",
						"a duration greater than zero, such as 500ms or 2s");
			}
		}

	}

	/**
	 * Transport security of a client's calls (gRPC now; REST reads {@code spring.http.serviceclient.<name>.ssl}).
	 */
	public static class Tls {

		/**
		 * Name of the Spring Boot SSL bundle (spring.ssl.bundle.*) whose trust material verifies instances and
		 * whose key, if any, authenticates the client (mutual TLS). Unset means plaintext.
		 */
		private final @Nullable String bundle;

		/**
		 * Creates the TLS settings.
		 * @param bundle the SSL bundle name, or {@code null} to inherit
		 */
		public Tls(@Nullable String bundle) {
			this.bundle = bundle;
		}

		/**
		 * Name of the SSL bundle.
		 * @return the bundle name, or {@code null} to inherit
		 */
		public @Nullable String getBundle() {
			return this.bundle;
		}

		void validate(String prefix) {
			if (this.bundle != null && this.bundle.isBlank()) {
				throw new InvalidSwitchboardPropertyException(prefix + ".bundle", this.bundle, "must not be blank",
						"the name of a bundle under spring.ssl.bundle.*");
			}
		}

	}

	/**
	 * gRPC settings of a client.
	 */
	public static class Grpc {

		/**
		 * gRPC port of instances whose discovery metadata has no 'grpc-port' entry. Unset means the instance's
		 * own port.
		 */
		private final @Nullable Integer port;

		/**
		 * Creates the gRPC settings.
		 * @param port the fallback gRPC port, or {@code null} to inherit
		 */
		public Grpc(@Nullable Integer port) {
			this.port = port;
		}

		/**
		 * gRPC port of instances that publish none.
		 * @return the port, or {@code null} to inherit
		 */
		public @Nullable Integer getPort() {
			return this.port;
		}

		void validate(String prefix) {
			if (this.port != null && (this.port < 1 || this.port > 65535)) {
				throw new InvalidSwitchboardPropertyException(prefix + ".port", this.port, "not a TCP port",
						"1 to 65535");
			}
		}

	}

}
