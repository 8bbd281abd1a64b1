package dev.switchboard.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} of consumed messages. Declare a bean of this type to replace
 * {@link DefaultMessageConsumeObservationConvention}.
 *
 * @author Switchboard
 */
public interface MessageConsumeObservationConvention extends ObservationConvention<MessageConsumeObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof MessageConsumeObservationContext;
	}

}
