package dev.switchboard.autoconfigure.discovery;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.autoconfigure.diagnostics.PropertyChecks;
import dev.switchboard.autoconfigure.discovery.dns.DnsDiscoverySettings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

import static dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException.requirePositive;

/**
 * Configuration of the discovery backend that feeds Switchboard's clients.
 *
 * @author Switchboard
 */
@ConfigurationProperties("switchboard.discovery")
public class DiscoveryProperties {

	private static final String PREFIX = "switchboard.discovery";

	/**
	 * Discovery backend that feeds Switchboard's clients. Exactly this backend is used, whatever other
	 * discovery libraries are on the classpath.
	 */
	private final DiscoveryType type;

	/**
	 * Time between background refreshes of the instances of every service called so far.
	 */
	private final Duration refreshInterval;

	/**
	 * Longest time a call or a background refresh waits for the backend to answer a lookup. A call waits only
	 * for the first answer about a service; later calls answer from memory.
	 */
	private final Duration lookupTimeout;

	/**
	 * How long the last known instances of a service stay in use while the backend fails or does not answer.
	 * Unset (the default): for as long as the outage lasts.
	 */
	private final @Nullable Duration maxStale;

	/**
	 * Zone this application runs in, such as eu-west-1a. Its clients prefer instances of this zone and its
	 * registration publishes it as the instance's 'zone' metadata. Unset: spring.cloud.loadbalancer.zone,
	 * eureka.instance.metadata-map.zone, spring.cloud.consul.discovery.instance-zone or
	 * switchboard.registration.metadata.zone when set, else no zone (clients balance over all zones).
	 */
	private final @Nullable String zone;

	/**
	 * Static backend: instances listed in configuration.
	 */
	private final Static staticBackend;

	/**
	 * DNS backend: instances from SRV or A/AAAA records.
	 */
	private final Dns dns;

	/**
	 * Creates the discovery properties, rejecting values Switchboard cannot use.
	 * @param type the backend
	 * @param refreshInterval time between refreshes
	 * @param lookupTimeout longest wait for the backend to answer a lookup
	 * @param maxStale how long last known instances stay in use during an outage, or {@code null} for as long
	 * as the outage lasts
	 * @param zone the zone this application runs in, or {@code null}
	 * @param staticBackend the static backend's settings
	 * @param dns the DNS backend's settings
	 */
	public DiscoveryProperties(@DefaultValue("static") DiscoveryType type,
			@DefaultValue("10s") Duration refreshInterval, @DefaultValue("5s") Duration lookupTimeout,
			@Nullable Duration maxStale, @Nullable String zone,
			@Name("static") @Nullable Static staticBackend, @DefaultValue Dns dns) {
		this.type = type;
		this.refreshInterval = requirePositive(PREFIX + ".refresh-interval", refreshInterval);
		this.lookupTimeout = requirePositive(PREFIX + ".lookup-timeout", lookupTimeout);
		if (maxStale != null && maxStale.isNegative()) {
			throw new InvalidSwitchboardPropertyException(PREFIX + ".max-stale", maxStale,
					"must not be negative", "a duration such as 0s or 5m");
		}
		this.maxStale = maxStale;
		this.zone = LocalZone.check(PREFIX + ".zone", zone);
		this.staticBackend = (staticBackend != null) ? staticBackend : new Static(null);
		this.dns = dns;
	}

	/**
	 * The DNS backend's settings.
	 * @return the DNS settings
	 */
	public Dns getDns() {
		return this.dns;
	}

	/**
	 * The backend that feeds Switchboard's clients.
	 * @return the backend type
	 */
	public DiscoveryType getType() {
		return this.type;
	}

	/**
	 * Time between background refreshes.
	 * @return the refresh interval
	 */
	public Duration getRefreshInterval() {
		return this.refreshInterval;
	}

	/**
	 * Longest wait for the backend to answer a lookup.
	 * @return the lookup timeout
	 */
	public Duration getLookupTimeout() {
		return this.lookupTimeout;
	}

	/**
	 * How long last known instances stay in use during an outage.
	 * @return the maximum staleness, or {@code null} for as long as the outage lasts
	 */
	public @Nullable Duration getMaxStale() {
		return this.maxStale;
	}

	/**
	 * The zone this application runs in, as configured under {@code switchboard.discovery.zone}; see
	 * {@link LocalZone#resolve} for the zone in effect.
	 * @return the zone, or {@code null}
	 */
	public @Nullable String getZone() {
		return this.zone;
	}

	/**
	 * The static backend's settings.
	 * @return the static settings
	 */
	public Static getStatic() {
		return this.staticBackend;
	}

	/**
	 * Static backend: every instance of every service listed in configuration.
	 */
	public static class Static {

		private static final String ZONE_QUERY = "zone=";

		/**
		 * Instances of each service, keyed by service id: absolute http or https URLs such as
		 * http://10.0.0.5:8080. A path (http://10.0.0.5:8080/api) is the base path of REST calls to that
		 * instance; gRPC clients ignore it, with a warning at startup. The query ?zone=eu-west-1a gives the
		 * instance's zone.
		 */
		private final Map<String, List<String>> services;

		private final Map<String, List<URI>> uris;

		/**
		 * Creates the static settings, rejecting URLs that are not absolute http or https URLs with a host.
		 * @param services the instance URLs of each service
		 */
		public Static(@Nullable Map<String, List<String>> services) {
			Map<String, List<String>> copy = new LinkedHashMap<>();
			Map<String, List<URI>> parsed = new LinkedHashMap<>();
			if (services != null) {
				services.forEach((serviceId, urls) -> {
					copy.put(serviceId, List.copyOf(urls));
					for (int i = 0; i < urls.size(); i++) {
						String property = PREFIX + ".static.services." + serviceId + "[" + i + "]";
						parsed.computeIfAbsent(serviceId, (id) -> new ArrayList<>())
							.add(parseInstanceUrl(property, urls.get(i)));
					}
				});
			}
			this.services = Collections.unmodifiableMap(copy);
			this.uris = Collections.unmodifiableMap(parsed);
		}

		/**
		 * The configured instance URLs, as written.
		 * @return service id to URLs
		 */
		public Map<String, List<String>> getServices() {
			return this.services;
		}

		/**
		 * The configured instance URLs, parsed.
		 * @return service id to URIs
		 */
		public Map<String, List<URI>> getInstanceUris() {
			return this.uris;
		}

		static URI parseInstanceUrl(String property, String url) {
			URI uri = PropertyChecks.httpUrl(property, url, "http://10.0.0.5:8080");
			String query = uri.getRawQuery();
			if ((query != null && !query.startsWith(ZONE_QUERY)) || uri.getRawFragment() != null) {
				throw new InvalidSwitchboardPropertyException(property, url,
						"an instance URL takes no query other than its zone, and no fragment",
						"an absolute http or https URL with a host, an optional base path and an optional zone, "
								+ "such as http://10.0.0.5:8080/api?zone=eu-west-1a");
			}
			if (query != null) {
				LocalZone.check(property, query.substring(ZONE_QUERY.length()));
			}
			return uri;
		}

		/**
		 * The zone an instance URL gives with {@code ?zone=}.
		 * @param uri the parsed instance URL
		 * @return the zone, or {@code null}
		 */
		public static @Nullable String zoneOf(URI uri) {
			String query = uri.getRawQuery();
			return (query != null && query.startsWith(ZONE_QUERY)) ? query.substring(ZONE_QUERY.length()) : null;
		}

	}

	/**
	 * DNS backend: the instances of a service are the SRV records of its name (Kubernetes headless services,
	 * Consul's DNS interface) or the A/AAAA records of its name (Docker and compose networks).
	 */
	public static class Dns {

		private static final String DNS_PREFIX = PREFIX + ".dns";

		/**
		 * Which records describe a service: 'srv' (SRV records, then the targets' A/AAAA records) or 'a' (the
		 * A and AAAA records of the service name, on the configured port).
		 */
		private final DnsDiscoverySettings.Mode mode;

		/**
		 * DNS servers as host:port (IP addresses), asked in order. Empty means the system's resolvers.
		 */
		private final List<String> servers;

		/**
		 * Domain appended to service names, such as 'default.svc.cluster.local' or 'service.consul'.
		 */
		private final @Nullable String domain;

		/**
		 * Name of the SRV record of a service, with the placeholders {service}, {portName}, {protocol} and
		 * {domain}.
		 */
		private final String srvNameTemplate;

		/**
		 * Port name in the SRV name (the port's name in a Kubernetes Service).
		 */
		private final String portName;

		/**
		 * Protocol in the SRV name.
		 */
		private final String protocol;

		/**
		 * Port of every address in 'a' mode.
		 */
		private final int port;

		/**
		 * Longest time for one DNS lookup, over all servers and retries.
		 */
		private final Duration queryTimeout;

		/**
		 * Whether instances are called over https.
		 */
		private final boolean secure;

		/**
		 * Whether the zone of each SRV target is read from its TXT records: an entry zone=<zone> (the form in
		 * which Consul's DNS interface gives node metadata). Costs one more query per target and refresh.
		 */
		private final boolean zoneTxt;

		private final DnsDiscoverySettings settings;

		/**
		 * Creates the DNS settings, rejecting values the DNS backend cannot use.
		 * @param mode which records describe a service
		 * @param servers DNS servers as host:port
		 * @param domain domain appended to service names
		 * @param srvNameTemplate SRV name template
		 * @param portName port name in the SRV name
		 * @param protocol protocol in the SRV name
		 * @param port port in 'a' mode
		 * @param queryTimeout lookup timeout
		 * @param secure whether to call over https
		 * @param zoneTxt whether SRV targets' zones are read from their TXT records
		 */
		public Dns(@DefaultValue("srv") DnsDiscoverySettings.Mode mode, @Nullable List<String> servers,
				@Nullable String domain, @DefaultValue(DnsDiscoverySettings.DEFAULT_SRV_NAME_TEMPLATE) String srvNameTemplate,
				@DefaultValue("http") String portName, @DefaultValue("tcp") String protocol,
				@DefaultValue("80") int port, @DefaultValue("2s") Duration queryTimeout,
				@DefaultValue("false") boolean secure, @DefaultValue("false") boolean zoneTxt) {
			this.mode = mode;
			this.servers = (servers != null) ? List.copyOf(servers) : List.of();
			this.domain = domain;
			this.srvNameTemplate = srvNameTemplate;
			this.portName = portName;
			this.protocol = protocol;
			if (port < 1 || port > 65535) {
				throw new InvalidSwitchboardPropertyException(DNS_PREFIX + ".port", port, "not a valid port",
						"a port between 1 and 65535");
			}
			this.port = port;
			this.queryTimeout = requirePositive(DNS_PREFIX + ".query-timeout", queryTimeout);
			this.secure = secure;
			this.zoneTxt = zoneTxt;
			List<InetSocketAddress> addresses = new ArrayList<>();
			for (int i = 0; i < this.servers.size(); i++) {
				addresses.add(parseServer(DNS_PREFIX + ".servers[" + i + "]", this.servers.get(i)));
			}
			try {
				this.settings = new DnsDiscoverySettings(mode, addresses, domain, srvNameTemplate, portName, protocol,
						port, queryTimeout, secure, zoneTxt);
			}
			catch (IllegalArgumentException ex) {
				String property = ex.getMessage().startsWith("srvNameTemplate") ? ".srv-name-template"
						: ex.getMessage().startsWith("portName") ? ".port-name"
								: ex.getMessage().startsWith("protocol") ? ".protocol" : "";
				throw new InvalidSwitchboardPropertyException(DNS_PREFIX + property, null, ex.getMessage(), null);
			}
		}

		private static InetSocketAddress parseServer(String property, String server) {
			String allowed = "an IP address with an optional port, such as 10.96.0.10:53 or [fd00::10]:53";
			String host = server.trim();
			int port = 53;
			int colon = host.lastIndexOf(':');
			if (host.startsWith("[")) {
				int end = host.indexOf(']');
				if (end < 0) {
					throw new InvalidSwitchboardPropertyException(property, server, "unbalanced brackets", allowed);
				}
				if (end + 1 < host.length() && host.charAt(end + 1) == ':') {
					port = parsePort(property, server, host.substring(end + 2), allowed);
				}
				host = host.substring(1, end);
			}
			else if (colon > 0 && host.indexOf(':') == colon) {
				port = parsePort(property, server, host.substring(colon + 1), allowed);
				host = host.substring(0, colon);
			}
			if (!isIpLiteral(host)) {
				throw new InvalidSwitchboardPropertyException(property, server,
						"a DNS server must be given as an IP address (a name would need DNS to be found)", allowed);
			}
			return new InetSocketAddress(host, port);
		}

		private static int parsePort(String property, String server, String text, String allowed) {
			try {
				int port = Integer.parseInt(text);
				if (port >= 1 && port <= 65535) {
					return port;
				}
			}
			catch (NumberFormatException ex) {
				// reported below
			}
			throw new InvalidSwitchboardPropertyException(property, server, "not a valid port: '" + text + "'",
					allowed);
		}

		private static boolean isIpLiteral(String host) {
			return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (host.contains(":") && host.matches("[0-9a-fA-F:.]+"));
		}

		/**
		 * Which records describe a service.
		 * @return the mode
		 */
		public DnsDiscoverySettings.Mode getMode() {
			return this.mode;
		}

		/**
		 * DNS servers as configured.
		 * @return the servers
		 */
		public List<String> getServers() {
			return this.servers;
		}

		/**
		 * Domain appended to service names.
		 * @return the domain, or {@code null}
		 */
		public @Nullable String getDomain() {
			return this.domain;
		}

		/**
		 * SRV name template.
		 * @return the template
		 */
		public String getSrvNameTemplate() {
			return this.srvNameTemplate;
		}

		/**
		 * Port name in the SRV name.
		 * @return the port name
		 */
		public String getPortName() {
			return this.portName;
		}

		/**
		 * Protocol in the SRV name.
		 * @return the protocol
		 */
		public String getProtocol() {
			return this.protocol;
		}

		/**
		 * Port in 'a' mode.
		 * @return the port
		 */
		public int getPort() {
			return this.port;
		}

		/**
		 * Lookup timeout.
		 * @return the timeout
		 */
		public Duration getQueryTimeout() {
			return this.queryTimeout;
		}

		/**
		 * Whether instances are called over https.
		 * @return whether to use https
		 */
		public boolean isSecure() {
			return this.secure;
		}

		/**
		 * Whether SRV targets' zones are read from their TXT records.
		 * @return whether to read zones from TXT records
		 */
		public boolean isZoneTxt() {
			return this.zoneTxt;
		}

		/**
		 * The settings of the DNS discovery client.
		 * @return the validated settings
		 */
		public DnsDiscoverySettings toSettings() {
			return this.settings;
		}

	}

}
