package dev.switchboard.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} of published messages. Declare a bean of this type to replace
 * {@link DefaultMessagePublishObservationConvention}.
 *
 * @author Switchboard
 */
public interface MessagePublishObservationConvention extends ObservationConvention<MessagePublishObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof MessagePublishObservationContext;
	}

}
