package dev.switchboard.autoconfigure.client;

/**
 * The protocols a {@code @ServiceClient} interface can be called over, chosen by
 * {@code switchboard.clients.<name>.protocol}.
 *
 * @author Switchboard
 */
public enum ClientProtocol {

	/** HTTP through Spring's HTTP service groups, as the interface's {@code @HttpExchange} annotations say. */
	REST("rest"),

	/**
	 * Unary gRPC calls named {@code <interface>/<method>}, to a server that exports the interface (see
	 * {@code switchboard.grpc.server.exports}).
	 */
	GRPC("grpc");

	private final String id;

	ClientProtocol(String id) {
		this.id = id;
	}

	// Spring Boot lists the valid values with toString() when a bad value fails to bind.
	@Override
	public String toString() {
		return this.id;
	}

}
