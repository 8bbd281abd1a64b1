package dev.switchboard.autoconfigure.diagnostics;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at startup when a {@code switchboard.*} property has a value Switchboard cannot use. Reported by
 * {@link SwitchboardPropertyFailureAnalyzer} with the property to fix.
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
	 * Creates a new exception.
	 * @param property the full name of the property, e.g. {@code switchboard.clients.inventory.timeout.read}
	 * @param value the bad value
	 * @param reason why the value is bad
	 * @param allowedValues what the property accepts, or {@code null} if that is clear from the reason
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
