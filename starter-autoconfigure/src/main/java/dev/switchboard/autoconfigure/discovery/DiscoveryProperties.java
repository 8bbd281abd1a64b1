package dev.switchboard.autoconfigure.discovery;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

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
	 * How long the last known instances of a service stay in use while the backend fails.
	 */
	private final Duration maxStale;

	/**
	 * Static backend: instances listed in configuration.
	 */
	private final Static staticBackend;

	/**
	 * Creates the discovery properties, rejecting values Switchboard cannot use.
	 * @param type the backend
	 * @param refreshInterval time between refreshes
	 * @param maxStale how long last known instances stay in use during an outage
	 * @param staticBackend the static backend's settings
	 */
	public DiscoveryProperties(@DefaultValue("static") DiscoveryType type,
			@DefaultValue("10s") Duration refreshInterval, @DefaultValue("5m") Duration maxStale,
			@Name("static") @Nullable Static staticBackend) {
		this.type = type;
		this.refreshInterval = requirePositive(PREFIX + ".refresh-interval", refreshInterval);
		if (maxStale.isNegative()) {
			throw new InvalidSwitchboardPropertyException(PREFIX + ".max-stale", maxStale,
					"must not be negative", "a duration such as 0s or 5m");
		}
		this.maxStale = maxStale;
		this.staticBackend = (staticBackend != null) ? staticBackend : new Static(null);
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
	 * How long last known instances stay in use during an outage.
	 * @return the maximum staleness
	 */
	public Duration getMaxStale() {
		return this.maxStale;
	}

	/**
	 * The static backend's settings.
	 * @return the static settings
	 */
	public Static getStatic() {
		return this.staticBackend;
	}

	static Duration requirePositive(String property, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new InvalidSwitchboardPropertyException(property, value, "must be a positive duration",
					"a duration greater than zero, such as 500ms or 2s");
		}
		return value;
	}

	/**
	 * Static backend: every instance of every service listed in configuration.
	 */
	public static class Static {

		/**
		 * Instances of each service, keyed by service id: absolute http or https URLs such as
		 * http://10.0.0.5:8080.
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
						parsed.computeIfAbsent(serviceId, (id) -> new java.util.ArrayList<>())
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
			String allowed = "an absolute http or https URL with a host, such as http://10.0.0.5:8080";
			URI uri;
			try {
				uri = new URI(url.trim());
			}
			catch (URISyntaxException ex) {
				throw new InvalidSwitchboardPropertyException(property, url, "not a valid URL (" + ex.getReason() + ")",
						allowed);
			}
			String scheme = uri.getScheme();
			if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
				throw new InvalidSwitchboardPropertyException(property, url, "the URL must start with http:// or https://",
						allowed);
			}
			if (uri.getHost() == null) {
				throw new InvalidSwitchboardPropertyException(property, url, "the URL has no valid host", allowed);
			}
			if (uri.getPort() == 0 || uri.getPort() > 65535) {
				throw new InvalidSwitchboardPropertyException(property, url, "the port must be between 1 and 65535",
						allowed);
			}
			return uri;
		}

	}

}
