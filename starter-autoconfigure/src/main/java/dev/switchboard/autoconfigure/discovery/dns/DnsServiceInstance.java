package dev.switchboard.autoconfigure.discovery.dns;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

import org.springframework.cloud.client.DefaultServiceInstance;

/**
 * A service instance found in DNS. Its host is an IP literal; unlike {@link DefaultServiceInstance} it builds a
 * valid URI for IPv6 addresses (in brackets).
 *
 * @author Switchboard
 */
final class DnsServiceInstance extends DefaultServiceInstance {

	DnsServiceInstance(String instanceId, String serviceId, String host, int port, boolean secure,
			Map<String, String> metadata) {
		super(instanceId, serviceId, host, port, secure, metadata);
	}

	@Override
	public URI getUri() {
		try {
			// The multi-argument constructor puts an IPv6 host in brackets.
			return new URI(isSecure() ? "https" : "http", null, getHost(), getPort(), null, null, null);
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException("Cannot build a URI for host '" + getHost() + "'", ex);
		}
	}

}
