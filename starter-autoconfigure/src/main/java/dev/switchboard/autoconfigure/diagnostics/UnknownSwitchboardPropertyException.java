package dev.switchboard.autoconfigure.diagnostics;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;

/**
 * Thrown at startup when properties under {@code switchboard} name nothing that Switchboard binds: usually a typo
 * that would otherwise leave the intended setting on its default without a word. Spring Boot's
 * {@link UnboundConfigurationPropertiesException}, with the closest known name of each. Reported by
 * {@link UnknownSwitchboardPropertyFailureAnalyzer}.
 *
 * @author Switchboard
 */
public class UnknownSwitchboardPropertyException extends UnboundConfigurationPropertiesException {

	private static final long serialVersionUID = 1L;

	private final transient List<UnknownProperty> unknownProperties;

	UnknownSwitchboardPropertyException(List<UnknownProperty> unknownProperties) {
		super(properties(unknownProperties));
		this.unknownProperties = List.copyOf(unknownProperties);
	}

	private static Set<ConfigurationProperty> properties(List<UnknownProperty> unknownProperties) {
		Set<ConfigurationProperty> properties = new LinkedHashSet<>();
		unknownProperties.forEach((unknown) -> properties.add(unknown.property()));
		return properties;
	}

	/**
	 * The unknown properties, with their suggestions.
	 * @return the unknown properties in the order they were found
	 */
	public List<UnknownProperty> getUnknownProperties() {
		return this.unknownProperties;
	}

	@Override
	public String getMessage() {
		StringBuilder message = new StringBuilder();
		for (UnknownProperty unknown : this.unknownProperties) {
			message.append((message.length() > 0) ? "; " : "").append(unknown.describe());
		}
		return message.toString();
	}

	/**
	 * One property that Switchboard does not know.
	 * @param property the property as found in the environment, with its value and origin
	 * @param knownParent the longest known part of its name, e.g. {@code switchboard.discovery.static}
	 * @param suggestions the closest known names, best first; empty when none is close
	 * @param validNames the names that are valid right below {@code knownParent}
	 */
	public record UnknownProperty(ConfigurationProperty property, String knownParent, List<String> suggestions,
			List<String> validNames) {

		/**
		 * The property's name as written.
		 * @return the name
		 */
		public String name() {
			return this.property.getName().toString();
		}

		/**
		 * One sentence: the name and the closest known one, or what is valid where it is.
		 * @return the description
		 */
		public String describe() {
			StringBuilder text = new StringBuilder("Unknown property '").append(name()).append("'");
			if (!this.suggestions.isEmpty()) {
				text.append(" (did you mean '").append(String.join("' or '", this.suggestions)).append("'?)");
			}
			else if (!this.validNames.isEmpty()) {
				text.append(" (valid names under '").append(this.knownParent).append("': ")
					.append(String.join(", ", this.validNames)).append(")");
			}
			else {
				text.append(" ('").append(this.knownParent).append("' takes a value and has no properties)");
			}
			return text.toString();
		}

	}

}
