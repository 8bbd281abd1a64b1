package dev.switchboard.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Turns an {@link InvalidSwitchboardPropertyException} into a startup report that names the property, the
 * rejected value and what it accepts. Ordered first so that it wins over Spring Boot's generic bind-failure
 * report when the exception surfaces while binding properties. (Unknown enum values, such as an unknown
 * {@code switchboard.discovery.type}, are already reported by Spring Boot with the valid values listed.)
 *
 * @author Switchboard
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class InvalidSwitchboardPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSwitchboardPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSwitchboardPropertyException cause) {
		String description = String.format("Invalid Switchboard configuration:%n%n    Property: %s%n    Value: \"%s\"%n"
				+ "    Reason: %s", cause.getProperty(), cause.getValue(), cause.getReason());
		StringBuilder action = new StringBuilder("Update property '" + cause.getProperty() + "'");
		if (cause.getAllowedValues() != null) {
			action.append(" to one of the allowed values: ").append(cause.getAllowedValues());
		}
		action.append(" in your application's configuration.");
		return new FailureAnalysis(description, action.toString(), cause);
	}

}
