package dev.switchboard.autoconfigure.propagation;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Header propagation: {@code switchboard.propagation.*}.
 *
 * @author Switchboard
 */
@ConfigurationProperties("switchboard.propagation")
public class PropagationProperties {

	/** Headers propagated when none are configured. */
	public static final List<String> DEFAULT_HEADERS = List.of("x-request-id", "x-correlation-id");

	/**
	 * Headers of the incoming request (or consumed message) copied to the application's outgoing service client
	 * calls (REST headers, gRPC metadata) and published messages. Names are case-insensitive. Credentials such
	 * as "authorization" are not propagated unless listed here; an empty list switches propagation off.
	 */
	private final List<String> headers;

	/**
	 * Creates the properties.
	 * @param headers the header names, or {@code null} for {@link #DEFAULT_HEADERS}
	 */
	public PropagationProperties(@DefaultValue({ "x-request-id", "x-correlation-id" }) @Nullable List<String> headers) {
		if (headers == null) {
			this.headers = DEFAULT_HEADERS;
			return;
		}
		for (int i = 0; i < headers.size(); i++) {
			String header = headers.get(i);
			if (header == null || header.isBlank() || !header.chars().allMatch(PropagationProperties::isTokenChar)) {
				throw new InvalidSwitchboardPropertyException("switchboard.propagation.headers[" + i + "]", header,
						"not a valid header name", "a header name such as x-request-id");
			}
		}
		// gRPC metadata keys are lower case; HTTP and message header names are compared ignoring case.
		this.headers = headers.stream().map((header) -> header.toLowerCase(Locale.ROOT)).distinct().toList();
	}

	private static boolean isTokenChar(int c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
				|| c == '.';
	}

	/**
	 * The propagated header names, lower case.
	 * @return the header names
	 */
	public List<String> getHeaders() {
		return this.headers;
	}

}
