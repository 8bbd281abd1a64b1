package dev.switchboard.autoconfigure.diagnostics;

import dev.switchboard.autoconfigure.diagnostics.UnknownSwitchboardPropertyException.UnknownProperty;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Reports {@code switchboard.*} properties that Switchboard does not know in the shape of Spring Boot's report
 * of unbound properties (property, value, origin, reason), adding the closest known name.
 *
 * @author Switchboard
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class UnknownSwitchboardPropertyFailureAnalyzer extends AbstractFailureAnalyzer<UnknownSwitchboardPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnknownSwitchboardPropertyException cause) {
		StringBuilder description = new StringBuilder("Switchboard does not know these properties:");
		StringBuilder action = new StringBuilder();
		for (UnknownProperty unknown : cause.getUnknownProperties()) {
			description.append(String.format("%n%n    Property: %s%n", unknown.name()));
			Object value = InvalidSwitchboardPropertyException.printable(unknown.name(),
					unknown.property().getValue());
			description.append(String.format("    Value: \"%s\"%n", value));
			if (unknown.property().getOrigin() != null) {
				description.append(String.format("    Origin: %s%n", unknown.property().getOrigin()));
			}
			description.append("    Reason: ").append(unknown.describe());
			action.append((action.length() > 0) ? String.format("%n") : "");
			if (!unknown.suggestions().isEmpty()) {
				action.append("Rename '").append(unknown.name()).append("' to '")
					.append(String.join("' or '", unknown.suggestions())).append("'.");
			}
			else {
				action.append("Remove '").append(unknown.name()).append("' or correct its name.");
			}
		}
		action.append(String.format("%nEvery Switchboard property is listed in the configuration reference "
				+ "(docs/configuration.md) and offered by IDE completion."));
		return new FailureAnalysis(description.toString(), action.toString(), cause);
	}

}
