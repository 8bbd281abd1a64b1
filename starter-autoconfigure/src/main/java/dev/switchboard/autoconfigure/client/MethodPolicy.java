package dev.switchboard.autoconfigure.client;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How calls of one client interface method are made, worked out once at startup from its annotations and
 * configuration.
 *
 * @param name the method's name, for messages
 * @param httpMethod the HTTP method of the exchange, such as {@code GET}
 * @param idempotent whether a failed attempt may be repeated on another instance
 * @param readTimeout the method's own read timeout, or {@code null} for the client's
 * @param hedged whether slow attempts are hedged on another instance
 * @author Switchboard
 */
public record MethodPolicy(String name, String httpMethod, boolean idempotent, @Nullable Duration readTimeout,
		boolean hedged) {

	/** Name of the request attribute carrying the policy of the call to the transport. */
	public static final String ATTRIBUTE = MethodPolicy.class.getName();

}
