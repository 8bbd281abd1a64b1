package dev.switchboard.autoconfigure.diagnostics;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at startup when a {@code switchboard.*} property has a value Switchboard cannot use.
 *
 * @author Switchboard
 */
public class InvalidSwitchboardPropertyException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final transient @Nullable Object value;

	private final String reason;

	private final @Nullable String allowedValues;

	/**
	 * Creates an exception.
	 * @param property the full property name
	 * @param value the bad value
	 * @param reason why it is bad
	 * @param allowedValues the values that would be accepted, or {@code null}
	 */
	public InvalidSwitchboardPropertyException(String property, @Nullable Object value, String reason,
			@Nullable String allowedValues) {
		super("Invalid value '" + value + "' for property '" + property + "': " + reason
				+ ((allowedValues != null) ? " (allowed values: " + allowedValues + ")" : ""));
		this.property = property;
		this.value = value;
		this.reason = reason;
		this.allowedValues = allowedValues;
	}

	/**
	 * The full name of the bad property.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * The bad value.
	 * @return the value
	 */
	public @Nullable Object getValue() {
		return this.value;
	}

	/**
	 * Why the value is bad.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * The values that would be accepted.
	 * @return the allowed values, or {@code null}
	 */
	public @Nullable String getAllowedValues() {
		return this.allowedValues;
	}

}
