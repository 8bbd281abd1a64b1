package dev.switchboard.autoconfigure.observation;

import io.micrometer.common.KeyValues;

import dev.switchboard.autoconfigure.observation.SwitchboardObservationDocumentation.ServiceCallHighCardinalityKeys;
import dev.switchboard.autoconfigure.observation.SwitchboardObservationDocumentation.ServiceCallLowCardinalityKeys;

/**
 * Default {@link ServiceCallObservationConvention}: {@code switchboard.client.calls} for calls and
 * {@code switchboard.client.attempts} for attempts, tagged with client, method, protocol and outcome (and the
 * attempt number); the instance is a high cardinality key.
 *
 * @author Switchboard
 */
public class DefaultServiceCallObservationConvention implements ServiceCallObservationConvention {

	/** Name of call observations. */
	public static final String CALL_NAME = "switchboard.client.calls";

	/** Name of attempt observations. */
	public static final String ATTEMPT_NAME = "switchboard.client.attempts";

	/** Shared instance for calls. */
	public static final DefaultServiceCallObservationConvention CALLS = new DefaultServiceCallObservationConvention(
			CALL_NAME);

	/** Shared instance for attempts. */
	public static final DefaultServiceCallObservationConvention ATTEMPTS = new DefaultServiceCallObservationConvention(
			ATTEMPT_NAME);

	private static final String UNKNOWN = "UNKNOWN";

	private static final String NONE = "none";

	private final String name;

	/**
	 * Creates a convention for call observations.
	 */
	public DefaultServiceCallObservationConvention() {
		this(CALL_NAME);
	}

	/**
	 * Creates a convention with the given observation name.
	 * @param name the observation name
	 */
	public DefaultServiceCallObservationConvention(String name) {
		this.name = name;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public String getContextualName(ServiceCallObservationContext context) {
		return context.getClient() + " " + context.getMethod();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(ServiceCallObservationContext context) {
		String outcome = (context.getOutcome() != null) ? context.getOutcome() : UNKNOWN;
		KeyValues values = KeyValues.of(ServiceCallLowCardinalityKeys.CLIENT.withValue(context.getClient()),
				ServiceCallLowCardinalityKeys.METHOD.withValue(context.getMethod()),
				ServiceCallLowCardinalityKeys.PROTOCOL.withValue(context.getProtocol()),
				ServiceCallLowCardinalityKeys.OUTCOME.withValue(outcome));
		return context.isAttempt()
				? values.and(ServiceCallLowCardinalityKeys.ATTEMPT.withValue(Integer.toString(context.getAttempt())))
				: values;
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(ServiceCallObservationContext context) {
		String instance = (context.getInstance() != null) ? context.getInstance() : NONE;
		return KeyValues.of(ServiceCallHighCardinalityKeys.INSTANCE.withValue(instance));
	}

}
