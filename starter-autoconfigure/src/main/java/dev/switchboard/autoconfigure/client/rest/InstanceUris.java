package dev.switchboard.autoconfigure.client.rest;

import java.net.URI;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Rewrites a logical request URI ({@code http://inventory/items/1?x=y}) to one instance. An instance whose
 * metadata has a {@value #BASE_PATH} (set from the path of a static instance URL such as
 * {@code http://10.0.0.5:8082/api}, or registered by the instance itself) serves under that path:
 * {@code http://10.0.0.5:8082/api/items/1?x=y}.
 *
 * @author Switchboard
 */
final class InstanceUris {

	/** Instance metadata key of the path under which an instance serves. */
	static final String BASE_PATH = "base-path";

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
		String basePath = basePath(instance);
		if (basePath != null) {
			uri.append(basePath);
		}
		String path = logical.getRawPath();
		if (path != null && !path.isEmpty()) {
			if (basePath != null && !path.startsWith("/")) {
				uri.append('/');
			}
			uri.append(path);
		}
		if (logical.getRawQuery() != null) {
			uri.append('?').append(logical.getRawQuery());
		}
		return URI.create(uri.toString());
	}

	/**
	 * The base path of an instance, without a trailing slash.
	 * @param instance the instance
	 * @return the raw path, or {@code null} when the instance serves at the root
	 */
	static @Nullable String basePath(ServiceInstance instance) {
		String path = (instance.getMetadata() != null) ? instance.getMetadata().get(BASE_PATH) : null;
		if (path == null || path.isBlank() || path.equals("/")) {
			return null;
		}
		path = path.strip();
		path = path.startsWith("/") ? path : "/" + path;
		return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
	}

}
