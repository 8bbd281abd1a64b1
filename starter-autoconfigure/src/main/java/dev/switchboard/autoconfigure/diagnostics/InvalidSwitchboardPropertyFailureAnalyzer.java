package dev.switchboard.autoconfigure.diagnostics;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * Turns an {@link InvalidSwitchboardPropertyException} into a startup report that names the property, the value
 * as the user wrote it, where it was written (file and line, read from the {@link Environment} as Spring Boot's
 * {@code InvalidConfigurationPropertyValueFailureAnalyzer} does), why it is wrong and what it accepts. Ordered
 * first so that it wins over Spring Boot's generic reports, which lack the allowed values. (Unknown enum values,
 * such as an unknown {@code switchboard.discovery.type}, are already reported by Spring Boot with the valid
 * values listed.)
 *
 * @author Switchboard
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class InvalidSwitchboardPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSwitchboardPropertyException> {

	private final @Nullable Environment environment;

	InvalidSwitchboardPropertyFailureAnalyzer(@Nullable Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSwitchboardPropertyException cause) {
		ConfigurationProperty written = find(this.environment, cause.getProperty());
		Object value = (written != null)
				? InvalidSwitchboardPropertyException.printable(cause.getProperty(), written.getValue())
				: cause.getValue();
		StringBuilder description = new StringBuilder(
				String.format("Invalid Switchboard configuration:%n%n    Property: %s%n", cause.getProperty()));
		if (value != null) {
			description.append(String.format("    Value: \"%s\"%n", value));
		}
		if (written != null && written.getOrigin() != null) {
			description.append(String.format("    Origin: %s%n", written.getOrigin()));
		}
		description.append(String.format("    Reason: %s", cause.getReason()));
		StringBuilder action = new StringBuilder(
				"Update property '" + cause.getProperty() + "' in your application's configuration.");
		if (cause.getAllowedValues() != null) {
			action.append(String.format("%nAllowed values: %s", cause.getAllowedValues()));
		}
		return new FailureAnalysis(description.toString(), action.toString(), cause);
	}

	/**
	 * The property as it is set in the environment, with its origin.
	 * @param environment the environment, or {@code null}
	 * @param property the property name
	 * @return the property, or {@code null} when it is not set there (a value that is wrong only in
	 * combination with a default, say)
	 */
	static @Nullable ConfigurationProperty find(@Nullable Environment environment, String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(property);
		if (environment == null || name == null) {
			return null;
		}
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			ConfigurationProperty found = source.getConfigurationProperty(name);
			if (found != null) {
				return found;
			}
		}
		return null;
	}

}
