package dev.switchboard.autoconfigure.diagnostics;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The checks that Switchboard's properties classes share, each failing with an
 * {@link InvalidSwitchboardPropertyException} that names the property, the value as written and the part of it
 * that is wrong.
 *
 * @author Switchboard
 */
public final class PropertyChecks {

	// authority = [userinfo@]host[:port], host possibly a bracketed IPv6 literal
	private static final Pattern AUTHORITY = Pattern.compile("^(?:[^@]*@)?(\\[[^\\]]*\\]|[^:\\[\\]]*)(?::(.*))?$");

	private PropertyChecks() {
	}

	/**
	 * Checks that an optional duration property is positive.
	 * @param property the full property name
	 * @param value the value, or {@code null} when not set
	 * @return the value
	 * @throws InvalidSwitchboardPropertyException if the value is zero or negative
	 */
	public static @Nullable Duration positive(String property, @Nullable Duration value) {
		if (value != null && (value.isNegative() || value.isZero())) {
			throw new InvalidSwitchboardPropertyException(property, value, "must be a positive duration",
					"a duration greater than zero, such as 500ms or 2s");
		}
		return value;
	}

	/**
	 * Checks that a duration property is not negative.
	 * @param property the full property name
	 * @param value the value
	 * @return the value
	 * @throws InvalidSwitchboardPropertyException if the value is negative
	 */
	public static Duration notNegative(String property, Duration value) {
		if (value.isNegative()) {
			throw new InvalidSwitchboardPropertyException(property, value, "must not be negative",
					"zero or a positive duration, such as 200ms");
		}
		return value;
	}

	/**
	 * Checks that a whole-number property is at least a minimum.
	 * @param property the full property name
	 * @param value the value
	 * @param minimum the smallest allowed value
	 * @param meaning what the minimum means, for the report (such as "1 means no retry"), or {@code null}
	 * @return the value
	 * @throws InvalidSwitchboardPropertyException if the value is smaller
	 */
	public static int atLeast(String property, int value, int minimum, @Nullable String meaning) {
		if (value < minimum) {
			throw new InvalidSwitchboardPropertyException(property, value,
					"must be at least " + minimum + ((meaning != null) ? " (" + meaning + ")" : ""), null);
		}
		return value;
	}

	/**
	 * Parses an absolute http or https URL, telling which part of it is wrong: the scheme, the host or the port.
	 * @param property the full property name
	 * @param url the URL as written
	 * @param example an example of a good value, such as {@code http://10.0.0.5:8080}
	 * @return the parsed URL
	 * @throws InvalidSwitchboardPropertyException if the URL is not an absolute http or https URL with a host
	 * and a valid port
	 */
	public static URI httpUrl(String property, String url, String example) {
		String allowed = "an absolute http or https URL with a host, such as " + example;
		URI uri;
		try {
			uri = new URI(url.trim());
		}
		catch (URISyntaxException ex) {
			throw new InvalidSwitchboardPropertyException(property, url,
					"not a valid URL: " + ex.getReason() + " at index " + ex.getIndex(), allowed);
		}
		String scheme = uri.getScheme();
		if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
			throw new InvalidSwitchboardPropertyException(property, url,
					"the URL must start with http:// or https://", allowed);
		}
		if (uri.getHost() == null) {
			// java.net.URI gives up on the host when any part of the authority is malformed: say which part.
			throw new InvalidSwitchboardPropertyException(property, url, authorityProblem(uri.getRawAuthority()),
					allowed);
		}
		if (uri.getPort() == 0 || uri.getPort() > 65535) {
			throw new InvalidSwitchboardPropertyException(property, url,
					"the port " + uri.getPort() + " is not between 1 and 65535", allowed);
		}
		return uri;
	}

	private static String authorityProblem(@Nullable String authority) {
		if (authority == null || authority.isEmpty()) {
			return "the URL has no host";
		}
		Matcher matcher = AUTHORITY.matcher(authority);
		if (matcher.matches()) {
			String host = matcher.group(1);
			String port = matcher.group(2);
			if (port != null && !port.matches("\\d+")) {
				return port.isEmpty() ? "the URL has a ':' but no port after it"
						: "the port '" + port + "' is not a number";
			}
			if (port != null && (Long.parseLong(port.length() > 6 ? "999999" : port) > 65535)) {
				return "the port " + port + " is not between 1 and 65535";
			}
			if (host.isEmpty()) {
				return "the URL has no host";
			}
			return "the host '" + host + "' is not a valid host name or IP address";
		}
		return "the host and port '" + authority + "' are not valid";
	}

}
