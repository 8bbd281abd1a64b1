package dev.switchboard.autoconfigure.diagnostics;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at startup when a {@code switchboard.*} property has a value Switchboard cannot use. Reported by
 * {@link InvalidSwitchboardPropertyFailureAnalyzer} with the property to fix.
 *
 * @author Switchboard
 */
public class InvalidSwitchboardPropertyException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	// scheme://user:password@host -> scheme://******@host
	private static final Pattern USER_INFO = Pattern.compile("(://)[^/@\\s]+@");

	private final String property;

	private final transient @Nullable Object value;

	private final String reason;

	private final @Nullable String allowedValues;

	/**
	 * Creates a new exception.
	 * @param property the full name of the property, e.g. {@code switchboard.clients.inventory.timeout.read}
	 * @param value the bad value
	 * @param reason why the value is bad
	 * @param allowedValues what the property accepts, or {@code null} if that is clear from the reason
	 */
	public InvalidSwitchboardPropertyException(String property, @Nullable Object value, String reason,
			@Nullable String allowedValues) {
		super("Invalid value '" + printable(property, value) + "' for property '" + property + "': " + reason
				+ ((allowedValues != null) ? " (allowed values: " + allowedValues + ")" : ""));
		this.property = property;
		this.value = printable(property, value);
		this.reason = reason;
		this.allowedValues = allowedValues;
	}

	/**
	 * Checks that an optional duration property is positive.
	 * @param property the full property name
	 * @param value the value, or {@code null} when not set
	 * @return the value
	 * @throws InvalidSwitchboardPropertyException if the value is zero or negative
	 */
	public static @Nullable Duration requirePositive(String property, @Nullable Duration value) {
		if (value != null && (value.isNegative() || value.isZero())) {
			throw new InvalidSwitchboardPropertyException(property, value, "must be a positive duration",
					"a duration greater than zero, such as 500ms or 2s");
		}
		return value;
	}

	/**
	 * The value as it may be printed: credentials masked, both a secret-looking property's whole value and the
	 * user-info of a URL, since startup reports end up in logs.
	 * @param property the property name
	 * @param value the value
	 * @return the value to print
	 */
	static @Nullable Object printable(String property, @Nullable Object value) {
		if (value == null) {
			return null;
		}
		String lower = property.toLowerCase(Locale.ROOT);
		if (lower.contains("password") || lower.contains("secret") || lower.contains("token")
				|| lower.endsWith("credentials")) {
			return "******";
		}
		if (value instanceof CharSequence text) {
			return USER_INFO.matcher(text).replaceAll("$1******@");
		}
		return value;
	}

	/**
	 * The property to fix.
	 * @return the full property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * The rejected value.
	 * @return the value
	 */
	public @Nullable Object getValue() {
		return this.value;
	}

	/**
	 * Why the value was rejected.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * What the property accepts.
	 * @return the allowed values, or {@code null}
	 */
	public @Nullable String getAllowedValues() {
		return this.allowedValues;
	}

}
