package dev.switchboard.autoconfigure.observation;

import io.micrometer.common.KeyValues;

import dev.switchboard.autoconfigure.observation.SwitchboardObservationDocumentation.MessageHighCardinalityKeys;
import dev.switchboard.autoconfigure.observation.SwitchboardObservationDocumentation.MessageLowCardinalityKeys;

/**
 * Key values shared by publish and consume observations.
 *
 * @author Switchboard
 */
final class MessageKeyValues {

	private MessageKeyValues() {
	}

	static KeyValues lowCardinality(MessageObservationContext context) {
		String outcome = (context.getOutcome() != null) ? context.getOutcome() : "UNKNOWN";
		return KeyValues.of(MessageLowCardinalityKeys.CHANNEL.withValue(context.getChannel()),
				MessageLowCardinalityKeys.BINDER.withValue(context.getBinder()),
				MessageLowCardinalityKeys.DESTINATION.withValue(context.getDestination()),
				MessageLowCardinalityKeys.OUTCOME.withValue(outcome));
	}

	static KeyValues highCardinality(MessageObservationContext context) {
		String id = context.getMessageId();
		return KeyValues.of(MessageHighCardinalityKeys.MESSAGE_ID.withValue((id != null) ? id : "none"));
	}

}
