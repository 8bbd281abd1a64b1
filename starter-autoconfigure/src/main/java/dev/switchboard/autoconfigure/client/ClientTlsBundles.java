package dev.switchboard.autoconfigure.client;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * Resolves the SSL bundle of a client ({@code switchboard.clients.<name>.tls.bundle}, else
 * {@code switchboard.client-defaults.tls.bundle}) for its REST and gRPC transports.
 *
 * @author Switchboard
 */
public final class ClientTlsBundles {

	private ClientTlsBundles() {
	}

	/**
	 * The SSL bundle of a client.
	 * @param properties the client properties
	 * @param clientName the client name
	 * @param sslBundles the application's SSL bundles, or {@code null} if none are configured
	 * @return the bundle, or {@code null} when the client has none (plaintext)
	 * @throws InvalidSwitchboardPropertyException naming the property when the bundle does not exist
	 */
	public static @Nullable SslBundle resolve(ServiceClientProperties properties, String clientName,
			@Nullable SslBundles sslBundles) {
		String bundleName = properties.resolve(clientName).tlsBundle();
		if (bundleName == null) {
			return null;
		}
		// Name the property the value came from: the client's own entry, or the inherited default.
		ServiceClientProperties.Client own = properties.getClients().get(clientName);
		String property = (own != null && own.getTls().getBundle() != null)
				? "switchboard.clients." + clientName + ".tls.bundle" : "switchboard.client-defaults.tls.bundle";
		if (sslBundles == null) {
			throw new InvalidSwitchboardPropertyException(property, bundleName, "no SSL bundles are configured",
					"the name of a bundle under spring.ssl.bundle.*");
		}
		try {
			return sslBundles.getBundle(bundleName);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidSwitchboardPropertyException(property, bundleName, "no SSL bundle of that name exists",
					"the name of a bundle under spring.ssl.bundle.*");
		}
	}

}
