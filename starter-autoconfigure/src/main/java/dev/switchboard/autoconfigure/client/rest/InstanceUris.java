package dev.switchboard.autoconfigure.client.rest;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Rewrites a logical request URI ({@code http://inventory/items/1?x=y}) to one instance. An instance whose
 * metadata has a {@value #BASE_PATH} (set from the path of a static instance URL such as
 * {@code http://10.0.0.5:8082/api}, or registered by the instance itself) serves under that path:
 * {@code http://10.0.0.5:8082/api/items/1?x=y}.
 * <p>
 * Each attempt of each call rewrites a URI, so the common case avoids parsing one: the instance's base
 * ({@code http://10.0.0.5:8082/api/}) is parsed once per instance, and the logical URI, already parsed by Spring,
 * is moved onto it with {@link URI#relativize} and {@link URI#resolve}, which build the result from the parsed
 * parts. Those two normalize the path, so a path they would change ({@code //}, {@code .} or {@code ..} segments)
 * and a URI with a fragment go the long way, by concatenation and a parse, which keeps the path as it is.
 *
 * @author Switchboard
 */
final class InstanceUris {

	/** Instance metadata key of the path under which an instance serves. */
	static final String BASE_PATH = "base-path";

	private static final int SLOTS = 16;

	private static final URI ROOT_PATH = URI.create("/");

	private final boolean secure;

	/** Bases by instance identity: discovery hands out the same instance objects until the next refresh. */
	private final @Nullable Base[] bases = new Base[SLOTS];

	private volatile @Nullable URI root;

	/**
	 * @param secure whether every instance is called over TLS (a client with an SSL bundle), whatever discovery
	 * says about it
	 */
	InstanceUris(boolean secure) {
		this.secure = secure;
	}

	URI resolve(URI logical, ServiceInstance instance) {
		String path = logical.getRawPath();
		if (logical.getRawFragment() == null && path != null && path.startsWith("/") && isPlain(path)) {
			URI base = base(instance);
			if (base != null) {
				URI relative = root(logical).relativize(logical);
				// Relative unless the root did not match, which the root's check rules out.
				if (!relative.isAbsolute()) {
					return base.resolve(relative);
				}
			}
		}
		return concatenate(logical, instance, this.secure);
	}

	/** The logical root, {@code http://inventory/}: the same for every call of a client. */
	private URI root(URI logical) {
		URI root = this.root;
		if (root == null || !Objects.equals(root.getScheme(), logical.getScheme())
				|| !Objects.equals(root.getRawAuthority(), logical.getRawAuthority())) {
			root = URI.create(logical.getScheme() + "://" + logical.getRawAuthority() + "/");
			this.root = root;
		}
		return root;
	}

	private @Nullable URI base(ServiceInstance instance) {
		int slot = System.identityHashCode(instance) & (SLOTS - 1);
		Base base = this.bases[slot];
		String host = instance.getHost();
		int port = instance.getPort();
		boolean secure = instance.isSecure();
		String basePath = rawBasePath(instance);
		if (base == null || base.instance != instance || base.port != port || base.secure != secure
				|| !Objects.equals(base.host, host) || !Objects.equals(base.basePath, basePath)) {
			String path = basePath(instance);
			URI uri = (path == null || isPlain(path)) ? concatenate(ROOT_PATH, instance, this.secure) : null;
			base = new Base(instance, host, port, secure, basePath, uri);
			this.bases[slot] = base;
		}
		return base.uri;
	}

	/** Whether {@link URI#resolve} and {@link URI#relativize} leave the path as it is. */
	private static boolean isPlain(String path) {
		if (path.contains("//")) {
			return false;
		}
		int dot = path.indexOf('.');
		while (dot >= 0) {
			boolean segmentStart = dot == 0 || path.charAt(dot - 1) == '/';
			int after = dot + 1;
			if (after < path.length() && path.charAt(after) == '.') {
				after++;
			}
			if (segmentStart && (after == path.length() || path.charAt(after) == '/')) {
				return false;
			}
			dot = path.indexOf('.', dot + 1);
		}
		return true;
	}

	static URI concatenate(URI logical, ServiceInstance instance, boolean secure) {
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

	private static @Nullable String rawBasePath(ServiceInstance instance) {
		Map<String, String> metadata = instance.getMetadata();
		return (metadata != null) ? metadata.get(BASE_PATH) : null;
	}

	/**
	 * The base path of an instance, without a trailing slash.
	 * @param instance the instance
	 * @return the raw path, or {@code null} when the instance serves at the root
	 */
	static @Nullable String basePath(ServiceInstance instance) {
		String path = rawBasePath(instance);
		if (path == null || path.isBlank() || path.equals("/")) {
			return null;
		}
		path = path.strip();
		path = path.startsWith("/") ? path : "/" + path;
		return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
	}

	/** An instance's base URI, ending with {@code /}, or {@code null} when its base path takes the long way. */
	private record Base(ServiceInstance instance, @Nullable String host, int port, boolean secure,
			@Nullable String basePath, @Nullable URI uri) {

	}

}
