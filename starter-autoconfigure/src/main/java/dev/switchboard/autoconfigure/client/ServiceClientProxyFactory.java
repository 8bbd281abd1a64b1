package dev.switchboard.autoconfigure.client;

/**
 * Creates {@code @ServiceClient} proxies for a protocol other than REST (whose proxies Spring's HTTP service
 * groups create). Contributed as a bean by the auto-configuration of that protocol's transport.
 *
 * @author Switchboard
 */
public interface ServiceClientProxyFactory {

	/**
	 * The protocol this factory serves.
	 * @return the protocol
	 */
	ClientProtocol protocol();

	/**
	 * Creates the client of an interface.
	 * @param <T> the interface type
	 * @param type the {@code @ServiceClient} interface
	 * @param clientName the client name
	 * @return the proxy
	 */
	<T> T createClient(Class<T> type, String clientName);

}
