package dev.switchboard.autoconfigure.discovery.etcd;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.autoconfigure.diagnostics.PropertyChecks;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the etcd discovery backend ({@code switchboard.discovery.type: etcd}): where etcd is, how to
 * authenticate, the key prefix instances live under, and the lease and call deadlines.
 *
 * @author Switchboard
 */
@ConfigurationProperties(EtcdDiscoveryProperties.PREFIX)
public class EtcdDiscoveryProperties {

	static final String PREFIX = "switchboard.discovery.etcd";

	/**
	 * etcd client URLs, such as http://etcd-0:2379. Calls go to any of them, round-robin.
	 */
	private final List<String> endpoints;

	/**
	 * Key prefix under which every service's instances live, as {prefix}{service}/{instance-id}.
	 */
	private final String prefix;

	/**
	 * Time to live of the lease this application's registration is attached to: when the application stops
	 * renewing it (it died), etcd deletes the registration after this long. Whole seconds; etcd's minimum is 2s.
	 */
	private final Duration leaseTtl;

	/**
	 * Longest wait for any single etcd call (read, registration, lease renewal, revocation) and for a connection.
	 */
	private final Duration callTimeout;

	/**
	 * User name for etcd's authentication, if etcd has auth enabled.
	 */
	private final @Nullable String user;

	/**
	 * Password of the user.
	 */
	private final @Nullable String password;

	/**
	 * Name of the Spring Boot SSL bundle (spring.ssl.bundle.*) that holds the trust store, and the key store for
	 * client certificates, used to reach etcd over https. Unset with https endpoints: the JDK's trust store.
	 */
	private final @Nullable String sslBundle;

	private final List<URI> endpointUris;

	/**
	 * Creates the etcd settings, rejecting values the etcd backend cannot use.
	 * @param endpoints etcd client URLs
	 * @param prefix key prefix of all services
	 * @param leaseTtl time to live of the registration's lease
	 * @param callTimeout longest wait for one etcd call
	 * @param user user name, or {@code null} without authentication
	 * @param password password, or {@code null} without authentication
	 * @param sslBundle SSL bundle name, or {@code null}
	 */
	public EtcdDiscoveryProperties(@DefaultValue("http://127.0.0.1:2379") List<String> endpoints,
			@DefaultValue("/switchboard/services/") String prefix, @DefaultValue("10s") Duration leaseTtl,
			@DefaultValue("3s") Duration callTimeout, @Nullable String user, @Nullable String password,
			@Nullable String sslBundle) {
		if (endpoints.isEmpty()) {
			throw new InvalidSwitchboardPropertyException(PREFIX + ".endpoints", "", "at least one endpoint is needed",
					"etcd client URLs such as http://127.0.0.1:2379");
		}
		List<URI> uris = new ArrayList<>();
		for (int i = 0; i < endpoints.size(); i++) {
			URI uri = PropertyChecks.httpUrl(PREFIX + ".endpoints[" + i + "]", endpoints.get(i), "http://127.0.0.1:2379");
			if (uri.getPort() == -1) {
				throw new InvalidSwitchboardPropertyException(PREFIX + ".endpoints[" + i + "]", endpoints.get(i),
						"the port is missing (etcd has no default port in a URL)", "a URL such as http://127.0.0.1:2379");
			}
			if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
				throw new InvalidSwitchboardPropertyException(PREFIX + ".endpoints[" + i + "]", endpoints.get(i),
						"an etcd endpoint takes no path", "a URL such as http://127.0.0.1:2379");
			}
			uris.add(URI.create(uri.getScheme().toLowerCase() + "://" + uri.getRawAuthority()));
		}
		boolean https = uris.get(0).getScheme().equals("https");
		for (int i = 1; i < uris.size(); i++) {
			if (uris.get(i).getScheme().equals("https") != https) {
				throw new InvalidSwitchboardPropertyException(PREFIX + ".endpoints[" + i + "]", endpoints.get(i),
						"all endpoints must use the same scheme (one client speaks either TLS or plain text)",
						"only http:// or only https:// URLs");
			}
		}
		if (sslBundle != null && !https) {
			throw new InvalidSwitchboardPropertyException(PREFIX + ".ssl-bundle", sslBundle,
					"an SSL bundle is set but the endpoints are http:// URLs", "https:// endpoints, or no ssl-bundle");
		}
		if (!prefix.startsWith("/") || prefix.contains("//") || prefix.isBlank()) {
			throw new InvalidSwitchboardPropertyException(PREFIX + ".prefix", prefix,
					"the prefix must start with / and contain no empty segment", "a prefix such as /switchboard/services/");
		}
		if ((user == null) != (password == null)) {
			String missing = (user == null) ? ".user" : ".password";
			throw new InvalidSwitchboardPropertyException(PREFIX + missing, null,
					"user and password must be set together", "both " + PREFIX + ".user and " + PREFIX + ".password");
		}
		PropertyChecks.positive(PREFIX + ".call-timeout", callTimeout);
		if (leaseTtl.toMillis() % 1000 != 0 || leaseTtl.getSeconds() < 2) {
			throw new InvalidSwitchboardPropertyException(PREFIX + ".lease-ttl", leaseTtl,
					"etcd leases count whole seconds, at least 2", "a whole number of seconds of 2s or more, such as 10s");
		}
		this.endpoints = List.copyOf(endpoints);
		this.endpointUris = List.copyOf(uris);
		this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
		this.leaseTtl = leaseTtl;
		this.callTimeout = callTimeout;
		this.user = user;
		this.password = password;
		this.sslBundle = sslBundle;
	}

	/**
	 * The endpoints as configured.
	 * @return the endpoints
	 */
	public List<String> getEndpoints() {
		return this.endpoints;
	}

	/**
	 * The endpoints as parsed URIs (scheme, host and port).
	 * @return the endpoint URIs
	 */
	public List<URI> getEndpointUris() {
		return this.endpointUris;
	}

	/**
	 * Whether the endpoints are https URLs.
	 * @return {@code true} to speak TLS
	 */
	public boolean isTls() {
		return this.endpointUris.get(0).getScheme().equals("https");
	}

	/**
	 * The key prefix of all services, ending with {@code /}.
	 * @return the prefix
	 */
	public String getPrefix() {
		return this.prefix;
	}

	/**
	 * Time to live of the registration's lease.
	 * @return the lease TTL
	 */
	public Duration getLeaseTtl() {
		return this.leaseTtl;
	}

	/**
	 * Longest wait for one etcd call.
	 * @return the call timeout
	 */
	public Duration getCallTimeout() {
		return this.callTimeout;
	}

	/**
	 * User name for authentication.
	 * @return the user, or {@code null}
	 */
	public @Nullable String getUser() {
		return this.user;
	}

	/**
	 * Password for authentication.
	 * @return the password, or {@code null}
	 */
	public @Nullable String getPassword() {
		return this.password;
	}

	/**
	 * SSL bundle name.
	 * @return the bundle name, or {@code null}
	 */
	public @Nullable String getSslBundle() {
		return this.sslBundle;
	}

}
