package dev.switchboard.autoconfigure.discovery.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * How {@link DnsDiscoveryClient} finds the instances of a service. Immutable; start from {@link #defaults()} and
 * change what differs with the {@code with*} methods.
 *
 * @param mode which records describe a service
 * @param servers the DNS servers to ask, in order; empty to use the system's resolvers
 * @param domain the domain appended to service names (for example {@code svc.cluster.local}), or {@code null}
 * to use service names as they are
 * @param srvNameTemplate the SRV name of a service, with the placeholders {@code {service}} (required),
 * {@code {portName}}, {@code {protocol}} and {@code {domain}}; a trailing {@code .{domain}} is dropped when no
 * domain is set
 * @param portName the port name used in the SRV name
 * @param protocol the protocol used in the SRV name
 * @param port the port of every address in {@link Mode#A A} mode
 * @param queryTimeout the longest time one DNS query may take, over all servers and retries
 * @param secure whether instances are called over HTTPS
 * @param zoneTxt whether the zone of each SRV target is read from its TXT records ({@code zone=<zone>}, the form
 * Consul's DNS interface gives node metadata in), at the cost of one more query per target
 * @author Switchboard
 */
public record DnsDiscoverySettings(Mode mode, List<InetSocketAddress> servers, @Nullable String domain,
		String srvNameTemplate, String portName, String protocol, int port, Duration queryTimeout, boolean secure,
		boolean zoneTxt) {

	/**
	 * The default SRV name template, the RFC 2782 form used by Kubernetes.
	 */
	public static final String DEFAULT_SRV_NAME_TEMPLATE = "_{portName}._{protocol}.{service}.{domain}";

	private static final Set<String> PLACEHOLDERS = Set.of("service", "portName", "protocol", "domain");

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

	private static final String TRAILING_DOMAIN = ".{domain}";

	/**
	 * Checks the settings and normalizes the domain (no leading or trailing dot; blank means none).
	 * @param mode which records describe a service
	 * @param servers the DNS servers, empty for the system's resolvers
	 * @param domain the domain appended to service names, or {@code null}
	 * @param srvNameTemplate the SRV name template
	 * @param portName the port name used in the SRV name
	 * @param protocol the protocol used in the SRV name
	 * @param port the port of every address in A mode
	 * @param queryTimeout the longest time one DNS query may take
	 * @param secure whether instances are called over HTTPS
	 * @param zoneTxt whether SRV targets' zones are read from their TXT records
	 */
	public DnsDiscoverySettings {
		Objects.requireNonNull(mode, "mode must not be null");
		Objects.requireNonNull(servers, "servers must not be null");
		servers = List.copyOf(servers);
		for (InetSocketAddress server : servers) {
			if (server.isUnresolved()) {
				throw new IllegalArgumentException("servers must be resolved addresses but contained " + server);
			}
		}
		domain = normalizeDomain(domain);
		requireText(srvNameTemplate, "srvNameTemplate");
		requireText(portName, "portName");
		requireText(protocol, "protocol");
		checkTemplate(srvNameTemplate, domain);
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port must be between 1 and 65535 but was " + port);
		}
		Objects.requireNonNull(queryTimeout, "queryTimeout must not be null");
		if (queryTimeout.isNegative() || queryTimeout.isZero()) {
			throw new IllegalArgumentException("queryTimeout must be positive but was " + queryTimeout);
		}
	}

	/**
	 * The defaults: SRV mode, the system's resolvers, no domain, {@value #DEFAULT_SRV_NAME_TEMPLATE}, port name
	 * {@code http}, protocol {@code tcp}, port 80, a query timeout of 2 seconds, plain HTTP.
	 * @return the default settings
	 */
	public static DnsDiscoverySettings defaults() {
		return new DnsDiscoverySettings(Mode.SRV, List.of(), null, DEFAULT_SRV_NAME_TEMPLATE, "http", "tcp", 80,
				Duration.ofSeconds(2), false, false);
	}

	/**
	 * A copy with another mode.
	 * @param mode the mode
	 * @return the new settings
	 */
	public DnsDiscoverySettings withMode(Mode mode) {
		return new DnsDiscoverySettings(mode, this.servers, this.domain, this.srvNameTemplate, this.portName,
				this.protocol, this.port, this.queryTimeout, this.secure, this.zoneTxt);
	}

	/**
	 * A copy with other servers.
	 * @param servers the servers, empty for the system's resolvers
	 * @return the new settings
	 */
	public DnsDiscoverySettings withServers(List<InetSocketAddress> servers) {
		return new DnsDiscoverySettings(this.mode, servers, this.domain, this.srvNameTemplate, this.portName,
				this.protocol, this.port, this.queryTimeout, this.secure, this.zoneTxt);
	}

	/**
	 * A copy with another domain.
	 * @param domain the domain, or {@code null} for none
	 * @return the new settings
	 */
	public DnsDiscoverySettings withDomain(@Nullable String domain) {
		return new DnsDiscoverySettings(this.mode, this.servers, domain, this.srvNameTemplate, this.portName,
				this.protocol, this.port, this.queryTimeout, this.secure, this.zoneTxt);
	}

	/**
	 * A copy with another SRV name template.
	 * @param srvNameTemplate the template
	 * @return the new settings
	 */
	public DnsDiscoverySettings withSrvNameTemplate(String srvNameTemplate) {
		return new DnsDiscoverySettings(this.mode, this.servers, this.domain, srvNameTemplate, this.portName,
				this.protocol, this.port, this.queryTimeout, this.secure, this.zoneTxt);
	}

	/**
	 * A copy with another SRV port name.
	 * @param portName the port name
	 * @return the new settings
	 */
	public DnsDiscoverySettings withPortName(String portName) {
		return new DnsDiscoverySettings(this.mode, this.servers, this.domain, this.srvNameTemplate, portName,
				this.protocol, this.port, this.queryTimeout, this.secure, this.zoneTxt);
	}

	/**
	 * A copy with another SRV protocol.
	 * @param protocol the protocol
	 * @return the new settings
	 */
	public DnsDiscoverySettings withProtocol(String protocol) {
		return new DnsDiscoverySettings(this.mode, this.servers, this.domain, this.srvNameTemplate, this.portName,
				protocol, this.port, this.queryTimeout, this.secure, this.zoneTxt);
	}

	/**
	 * A copy with another A-mode port.
	 * @param port the port
	 * @return the new settings
	 */
	public DnsDiscoverySettings withPort(int port) {
		return new DnsDiscoverySettings(this.mode, this.servers, this.domain, this.srvNameTemplate, this.portName,
				this.protocol, port, this.queryTimeout, this.secure, this.zoneTxt);
	}

	/**
	 * A copy with another query timeout.
	 * @param queryTimeout the query timeout
	 * @return the new settings
	 */
	public DnsDiscoverySettings withQueryTimeout(Duration queryTimeout) {
		return new DnsDiscoverySettings(this.mode, this.servers, this.domain, this.srvNameTemplate, this.portName,
				this.protocol, this.port, queryTimeout, this.secure, this.zoneTxt);
	}

	/**
	 * A copy with another scheme.
	 * @param secure whether instances are called over HTTPS
	 * @return the new settings
	 */
	public DnsDiscoverySettings withSecure(boolean secure) {
		return new DnsDiscoverySettings(this.mode, this.servers, this.domain, this.srvNameTemplate, this.portName,
				this.protocol, this.port, this.queryTimeout, secure, this.zoneTxt);
	}

	/**
	 * A copy that reads (or not) the zone of each SRV target from its TXT records.
	 * @param zoneTxt whether to read zones from TXT records
	 * @return the new settings
	 */
	public DnsDiscoverySettings withZoneTxt(boolean zoneTxt) {
		return new DnsDiscoverySettings(this.mode, this.servers, this.domain, this.srvNameTemplate, this.portName,
				this.protocol, this.port, this.queryTimeout, this.secure, zoneTxt);
	}

	/**
	 * The SRV name of a service, from the template.
	 * @param serviceId the service id
	 * @return the name, without a trailing dot
	 */
	public String srvName(String serviceId) {
		String template = this.srvNameTemplate;
		if (this.domain == null && template.endsWith(TRAILING_DOMAIN)) {
			template = template.substring(0, template.length() - TRAILING_DOMAIN.length());
		}
		return template.replace("{portName}", this.portName)
			.replace("{protocol}", this.protocol)
			.replace("{domain}", (this.domain != null) ? this.domain : "")
			.replace("{service}", serviceId);
	}

	/**
	 * The host name of a service in A mode: the service id followed by the domain, if any.
	 * @param serviceId the service id
	 * @return the name, without a trailing dot
	 */
	public String hostName(String serviceId) {
		return (this.domain != null) ? serviceId + "." + this.domain : serviceId;
	}

	private static @Nullable String normalizeDomain(@Nullable String domain) {
		if (domain == null) {
			return null;
		}
		String trimmed = domain.strip();
		while (trimmed.startsWith(".")) {
			trimmed = trimmed.substring(1);
		}
		while (trimmed.endsWith(".")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		return trimmed.isEmpty() ? null : trimmed;
	}

	private static void requireText(@Nullable String value, String name) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(name + " must not be blank but was '" + value + "'");
		}
	}

	private static void checkTemplate(String template, @Nullable String domain) {
		Matcher matcher = PLACEHOLDER.matcher(template);
		while (matcher.find()) {
			if (!PLACEHOLDERS.contains(matcher.group(1))) {
				throw new IllegalArgumentException("srvNameTemplate '" + template + "' has unknown placeholder "
						+ matcher.group() + "; known are {service}, {portName}, {protocol} and {domain}");
			}
		}
		if (!template.contains("{service}")) {
			throw new IllegalArgumentException(
					"srvNameTemplate '" + template + "' must contain {service}, or every service gets the same name");
		}
		if (domain == null && template.contains("{domain}") && (!template.endsWith(TRAILING_DOMAIN)
				|| template.indexOf("{domain}") != template.length() - "{domain}".length())) {
			throw new IllegalArgumentException("srvNameTemplate '" + template
					+ "' uses {domain} other than as a trailing '.{domain}' but no domain is set");
		}
	}

	/**
	 * Which DNS records describe the instances of a service.
	 */
	public enum Mode {

		/**
		 * SRV records give the targets and ports; each target's A and AAAA records give the addresses.
		 */
		SRV,

		/**
		 * A and AAAA records of the service name give the addresses; the port is configured.
		 */
		A

	}

}
