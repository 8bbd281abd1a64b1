package dev.switchboard.autoconfigure.client.rest;

import java.net.URI;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Rewrites a logical request URI ({@code http://inventory/items/1?x=y}) to one instance.
 *
 * @author Switchboard
 */
final class InstanceUris {

	private InstanceUris() {
	}

	static URI resolve(URI logical, ServiceInstance instance, boolean secure) {
		// Concatenating the raw parts keeps the encoding Spring already applied; the multi-argument URI
		// constructors would encode it a second time.
		String host = instance.getHost();
		// A client with an SSL bundle always speaks TLS, whatever discovery says about the instance.
		StringBuilder uri = new StringBuilder(64).append((secure || instance.isSecure()) ? "https" : "http")
			.append("://");
		if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
			uri.append('[').append(host).append(']');
		}
		else {
			uri.append(host);
		}
		uri.append(':').append(instance.getPort());
		String path = logical.getRawPath();
		if (path != null) {
			uri.append(path);
		}
		if (logical.getRawQuery() != null) {
			uri.append('?').append(logical.getRawQuery());
		}
		return URI.create(uri.toString());
	}

}
