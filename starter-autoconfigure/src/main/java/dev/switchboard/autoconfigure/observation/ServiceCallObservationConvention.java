package dev.switchboard.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} of service client calls and attempts. Declare a bean of this type to replace
 * {@link DefaultServiceCallObservationConvention}.
 *
 * @author Switchboard
 */
public interface ServiceCallObservationConvention extends ObservationConvention<ServiceCallObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof ServiceCallObservationContext;
	}

}
