package dev.switchboard.autoconfigure.observation;

import io.micrometer.common.KeyValues;

/**
 * Default {@link MessagePublishObservationConvention}: {@code switchboard.channel.publish}, tagged with channel,
 * binder, destination and outcome; the message id is a high cardinality key.
 *
 * @author Switchboard
 */
public class DefaultMessagePublishObservationConvention implements MessagePublishObservationConvention {

	/** Name of publish observations. */
	public static final String NAME = "switchboard.channel.publish";

	/** Shared instance. */
	public static final DefaultMessagePublishObservationConvention INSTANCE = new DefaultMessagePublishObservationConvention();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(MessagePublishObservationContext context) {
		// OpenTelemetry's messaging span name: "<destination> <operation>".
		return context.getDestination() + " publish";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(MessagePublishObservationContext context) {
		return MessageKeyValues.lowCardinality(context);
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(MessagePublishObservationContext context) {
		return MessageKeyValues.highCardinality(context);
	}

}
