package dev.switchboard.autoconfigure.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Creates Switchboard's observations on the application's {@link ObservationRegistry} with the application's
 * conventions, if any. Callers ask {@link #isEnabled()} first so that nothing is allocated when no registry (or
 * no handler) is configured.
 *
 * @author Switchboard
 */
public final class SwitchboardObservations {

	/** Observations that are never recorded. */
	public static final SwitchboardObservations NOOP = new SwitchboardObservations(ObservationRegistry.NOOP, null,
			null, null);

	private final ObservationRegistry registry;

	private final @Nullable ServiceCallObservationConvention callConvention;

	private final @Nullable MessagePublishObservationConvention publishConvention;

	private final @Nullable MessageConsumeObservationConvention consumeConvention;

	/**
	 * Creates the observations.
	 * @param registry the registry observations are recorded in
	 * @param callConvention the application's convention of client calls, or {@code null} for the default
	 * @param publishConvention the application's convention of published messages, or {@code null}
	 * @param consumeConvention the application's convention of consumed messages, or {@code null}
	 */
	public SwitchboardObservations(ObservationRegistry registry,
			@Nullable ServiceCallObservationConvention callConvention,
			@Nullable MessagePublishObservationConvention publishConvention,
			@Nullable MessageConsumeObservationConvention consumeConvention) {
		this.registry = registry;
		this.callConvention = callConvention;
		this.publishConvention = publishConvention;
		this.consumeConvention = consumeConvention;
	}

	/**
	 * Whether observations are recorded: the registry is not a no-op and has handlers.
	 * @return {@code true} if observations are recorded
	 */
	public boolean isEnabled() {
		return !this.registry.isNoop();
	}

	/**
	 * The registry observations are recorded in.
	 * @return the registry
	 */
	public ObservationRegistry getRegistry() {
		return this.registry;
	}

	/**
	 * An observation of a whole client call, not started.
	 * @param context the call's context
	 * @return the observation
	 */
	public Observation call(ServiceCallObservationContext context) {
		return SwitchboardObservationDocumentation.CLIENT_CALL.observation(this.callConvention,
				DefaultServiceCallObservationConvention.CALLS, () -> context, this.registry);
	}

	/**
	 * An observation of one attempt of a client call, not started.
	 * @param context the attempt's context
	 * @param call the observation of the call, or {@code null}
	 * @return the observation
	 */
	public Observation attempt(ServiceCallObservationContext context, @Nullable Observation call) {
		// Attempts may run on hedging threads, where the call's observation is not current.
		return SwitchboardObservationDocumentation.CLIENT_ATTEMPT
			.observation(null, DefaultServiceCallObservationConvention.ATTEMPTS, () -> context, this.registry)
			.parentObservation(call);
	}

	/**
	 * An observation of a published message, not started.
	 * @param context the message's context
	 * @return the observation
	 */
	public Observation publish(MessagePublishObservationContext context) {
		return SwitchboardObservationDocumentation.MESSAGE_PUBLISH.observation(this.publishConvention,
				DefaultMessagePublishObservationConvention.INSTANCE, () -> context, this.registry);
	}

	/**
	 * An observation of a consumed message, not started.
	 * @param context the message's context
	 * @return the observation
	 */
	public Observation consume(MessageConsumeObservationContext context) {
		return SwitchboardObservationDocumentation.MESSAGE_CONSUME.observation(this.consumeConvention,
				DefaultMessageConsumeObservationConvention.INSTANCE, () -> context, this.registry);
	}

}
