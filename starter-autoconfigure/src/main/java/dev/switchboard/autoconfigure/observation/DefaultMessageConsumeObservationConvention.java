package dev.switchboard.autoconfigure.observation;

import io.micrometer.common.KeyValues;

import dev.switchboard.autoconfigure.observation.SwitchboardObservationDocumentation.MessageHighCardinalityKeys;
import dev.switchboard.autoconfigure.observation.SwitchboardObservationDocumentation.MessageLowCardinalityKeys;

/**
 * Default {@link MessageConsumeObservationConvention}: {@code switchboard.channel.consume}, tagged with channel,
 * binder, destination, group and outcome; the message id and delivery attempt are high cardinality keys.
 *
 * @author Switchboard
 */
public class DefaultMessageConsumeObservationConvention implements MessageConsumeObservationConvention {

	/** Name of consume observations. */
	public static final String NAME = "switchboard.channel.consume";

	/** Shared instance. */
	public static final DefaultMessageConsumeObservationConvention INSTANCE = new DefaultMessageConsumeObservationConvention();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(MessageConsumeObservationContext context) {
		return context.getDestination() + " process";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(MessageConsumeObservationContext context) {
		return MessageKeyValues.lowCardinality(context)
			.and(MessageLowCardinalityKeys.GROUP.withValue(context.getGroup()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(MessageConsumeObservationContext context) {
		return MessageKeyValues.highCardinality(context)
			.and(MessageHighCardinalityKeys.DELIVERY_ATTEMPT.withValue(Integer.toString(context.getDeliveryAttempt())));
	}

}
