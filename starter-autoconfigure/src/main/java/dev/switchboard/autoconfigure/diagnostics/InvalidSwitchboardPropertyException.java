package dev.switchboard.autoconfigure.diagnostics;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Thrown at startup when a {@code switchboard.*} property has a value Switchboard cannot use. A Spring Boot
 * {@link InvalidConfigurationPropertyValueException}, so that Boot's own failure analysis applies to it; reported
 * by {@link InvalidSwitchboardPropertyFailureAnalyzer} with the value as written, where it was written (file and
 * line), why it is wrong and what the property accepts.
 *
 * @author Switchboard
 */
public class InvalidSwitchboardPropertyException extends InvalidConfigurationPropertyValueException {

	private static final long serialVersionUID = 1L;

	// scheme://user:password@host -> scheme://******@host
	private static final Pattern USER_INFO = Pattern.compile("(://)[^/@\\s]+@");

	private final @Nullable String allowedValues;

	/**
	 * Creates a new exception.
	 * @param property the full name of the property, e.g. {@code switchboard.clients.inventory.timeout.read}
	 * @param value the bad value; a {@link Duration} is printed the way it is written in configuration
	 * ({@code -2s}, not {@code PT-2S})
	 * @param reason why the value is bad
	 * @param allowedValues what the property accepts, or {@code null} if that is clear from the reason
	 */
	public InvalidSwitchboardPropertyException(String property, @Nullable Object value, String reason,
			@Nullable String allowedValues) {
		super(property, printable(property, value), reason);
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
		return PropertyChecks.positive(property, value);
	}

	@Override
	public String getMessage() {
		// Kept in Switchboard's own words (Boot's reads "Property x with value 'y' is invalid: z"): the allowed
		// values belong in it, and applications may match on it in their tests.
		String subject = (getValue() != null) ? "Invalid value '" + getValue() + "' for property '"
				: "Invalid configuration of property '";
		return subject + getName() + "': " + getReason()
				+ ((this.allowedValues != null) ? " (allowed values: " + this.allowedValues + ")" : "");
	}

	/**
	 * The value as it may be printed: credentials masked, both a secret-looking property's whole value and the
	 * user-info of a URL, since startup reports end up in logs; durations in configuration syntax.
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
		if (value instanceof Duration duration) {
			return format(duration);
		}
		return value;
	}

	/**
	 * A duration in the simple syntax of Spring Boot's properties, in the largest unit that keeps it exact:
	 * {@code -2s}, {@code 1500ms}, {@code 5m}.
	 * @param duration the duration
	 * @return the duration as a user would write it
	 */
	static String format(Duration duration) {
		if (duration.isZero()) {
			return "0s";
		}
		String sign = duration.isNegative() ? "-" : "";
		Duration size = duration.abs();
		if (size.getNano() == 0) {
			long seconds = size.getSeconds();
			if (seconds % 86_400 == 0) {
				return sign + (seconds / 86_400) + "d";
			}
			if (seconds % 3_600 == 0) {
				return sign + (seconds / 3_600) + "h";
			}
			if (seconds % 60 == 0) {
				return sign + (seconds / 60) + "m";
			}
			return sign + seconds + "s";
		}
		if (size.getNano() % 1_000_000 == 0) {
			return sign + size.toMillis() + "ms";
		}
		if (size.getNano() % 1_000 == 0) {
			return sign + (size.toNanos() / 1_000) + "us";
		}
		return sign + size.toNanos() + "ns";
	}

	/**
	 * The property to fix.
	 * @return the full property name
	 */
	public String getProperty() {
		return getName();
	}

	/**
	 * What the property accepts.
	 * @return the allowed values, or {@code null}
	 */
	public @Nullable String getAllowedValues() {
		return this.allowedValues;
	}

}
