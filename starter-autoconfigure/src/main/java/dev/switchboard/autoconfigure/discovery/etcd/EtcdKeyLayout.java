package dev.switchboard.autoconfigure.discovery.etcd;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Where instances live in etcd and what their values hold: the key {@code <prefix><service>/<instance-id>}
 * (prefix {@code /switchboard/services/} by default) holds a JSON object
 * <pre>{"host":"10.0.0.5","port":8080,"scheme":"http","zone":"zone-a","metadata":{"version":"1.4.2"}}</pre>
 * {@code host} and {@code port} are required; {@code scheme} ({@code http} or {@code https}) or the boolean
 * {@code secure} says whether to call over TLS (http when both are missing); {@code zone} is also exposed as
 * the {@code zone} metadata entry, which Spring Cloud LoadBalancer's zone preference reads. Any process can
 * register an instance by writing such a key, for example with {@code etcdctl put}.
 *
 * @author Switchboard
 */
public final class EtcdKeyLayout {

	private static final Log logger = LogFactory.getLog(EtcdKeyLayout.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final String prefix;

	/**
	 * Creates the layout under a prefix.
	 * @param prefix the key prefix of all services, ending with {@code /}
	 */
	public EtcdKeyLayout(String prefix) {
		this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
	}

	/**
	 * The prefix of all services.
	 * @return the prefix, ending with {@code /}
	 */
	public String prefix() {
		return this.prefix;
	}

	ByteSequence allServices() {
		return bytes(this.prefix);
	}

	ByteSequence service(String serviceId) {
		return bytes(this.prefix + serviceId + "/");
	}

	/**
	 * The key of one instance.
	 * @param serviceId the service id
	 * @param instanceId the instance id
	 * @return the key
	 */
	public String instanceKey(String serviceId, String instanceId) {
		return this.prefix + serviceId + "/" + instanceId;
	}

	/**
	 * The value registered for an instance.
	 * @param host the host or IP address
	 * @param port the port
	 * @param secure whether it is called over https
	 * @param metadata its metadata; a {@code zone} entry is also written as the {@code zone} field
	 * @return the JSON value
	 */
	public static String value(String host, int port, boolean secure, Map<String, String> metadata) {
		ObjectNode node = json.createObjectNode();
		node.put("host", host);
		node.put("port", port);
		node.put("scheme", secure ? "https" : "http");
		if (metadata.containsKey("zone")) {
			node.put("zone", metadata.get("zone"));
		}
		ObjectNode meta = node.putObject("metadata");
		metadata.forEach(meta::put);
		return json.writeValueAsString(node);
	}

	/**
	 * The service id a key belongs to.
	 * @param key a key under the prefix
	 * @return the service id, or {@code null} when the key does not follow the layout
	 */
	@Nullable String serviceOf(String key) {
		if (!key.startsWith(this.prefix)) {
			return null;
		}
		String rest = key.substring(this.prefix.length());
		int slash = rest.indexOf('/');
		return (slash > 0 && slash < rest.length() - 1) ? rest.substring(0, slash) : null;
	}

	/**
	 * Reads an instance, skipping (with a warning) a key or value that does not follow the layout, so that one
	 * bad entry written by hand never hides the good ones.
	 * @param keyValue the key and value read from etcd
	 * @return the instance, or {@code null} if the entry is not a valid instance
	 */
	@Nullable ServiceInstance instance(KeyValue keyValue) {
		String key = keyValue.getKey().toString(StandardCharsets.UTF_8);
		String serviceId = serviceOf(key);
		if (serviceId == null) {
			return null;
		}
		String instanceId = key.substring(this.prefix.length() + serviceId.length() + 1);
		try {
			JsonNode node = json.readTree(keyValue.getValue().toString(StandardCharsets.UTF_8));
			String host = node.path("host").asString("");
			int port = node.path("port").asInt(-1);
			if (host.isBlank() || port < 1 || port > 65535) {
				logger.warn("Ignoring etcd key " + key + ": 'host' and a 'port' between 1 and 65535 are required");
				return null;
			}
			String scheme = node.path("scheme").asString("").toLowerCase(Locale.ROOT);
			boolean secure = scheme.equals("https") || (scheme.isEmpty() && node.path("secure").asBoolean(false));
			Map<String, String> metadata = new LinkedHashMap<>();
			node.path("metadata").properties().forEach((entry) -> metadata.put(entry.getKey(), entry.getValue().asString()));
			String zone = node.path("zone").asString("");
			if (!zone.isEmpty()) {
				metadata.put("zone", zone);
			}
			DefaultServiceInstance instance = new DefaultServiceInstance(instanceId, serviceId, host, port, secure,
					metadata);
			instance.setUri(URI.create((secure ? "https" : "http") + "://" + hostForUri(host) + ":" + port));
			return instance;
		}
		catch (JacksonException | IllegalArgumentException ex) {
			logger.warn("Ignoring etcd key " + key + ": its value is not an instance as JSON: " + ex.getMessage());
			return null;
		}
	}

	private static String hostForUri(String host) {
		return (host.contains(":") && !host.startsWith("[")) ? "[" + host + "]" : host;
	}

	static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

}
