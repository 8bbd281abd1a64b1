package dev.switchboard.autoconfigure.client.grpc;

import java.util.concurrent.atomic.AtomicReference;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.grpc.internal.GrpcHttpStatus;
import dev.switchboard.autoconfigure.observation.ServiceCallObservationContext;
import dev.switchboard.autoconfigure.observation.SwitchboardObservations;
import dev.switchboard.core.balancer.LoadBalancer;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Observes each gRPC call of a Switchboard channel as {@code switchboard.client.calls}: the method is the gRPC
 * method's bare name (the Java method name for interfaces over gRPC), the instance the one the balancer picked,
 * the outcome classified as the balancer sees it.
 *
 * @author Switchboard
 */
final class ServiceCallObservationInterceptor implements ClientInterceptor {

	private static final String PROTOCOL = "grpc";

	private final String clientName;

	private final SwitchboardObservations observations;

	ServiceCallObservationInterceptor(String clientName, SwitchboardObservations observations) {
		this.clientName = clientName;
		this.observations = observations;
	}

	@Override
	public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
		if (!this.observations.isEnabled()) {
			return next.newCall(method, callOptions);
		}
		AtomicReference<@Nullable ServiceInstance> chosen = callOptions.getOption(DiscoveryTarget.CHOSEN_INSTANCE);
		if (chosen == null) {
			chosen = new AtomicReference<>();
			callOptions = callOptions.withOption(DiscoveryTarget.CHOSEN_INSTANCE, chosen);
		}
		String name = method.getBareMethodName();
		ServiceCallObservationContext context = new ServiceCallObservationContext(this.clientName,
				(name != null) ? name : method.getFullMethodName(), PROTOCOL, 0);
		return new ObservedCall<>(next.newCall(method, callOptions), this.observations.call(context), context, chosen);
	}

	private static final class ObservedCall<Q, R> extends SimpleForwardingClientCall<Q, R> {

		private final Observation observation;

		private final ServiceCallObservationContext context;

		private final AtomicReference<@Nullable ServiceInstance> chosen;

		ObservedCall(ClientCall<Q, R> delegate, Observation observation, ServiceCallObservationContext context,
				AtomicReference<@Nullable ServiceInstance> chosen) {
			super(delegate);
			this.observation = observation;
			this.context = context;
			this.chosen = chosen;
		}

		@Override
		public void start(Listener<R> responseListener, Metadata headers) {
			// Started with the call, not when it is created: a call that is never started never finishes.
			this.observation.start();
			try (Observation.Scope scope = this.observation.openScope()) {
				super.start(new SimpleForwardingClientCallListener<>(responseListener) {

					@Override
					public void onClose(Status status, Metadata trailers) {
						finish(status, trailers);
						super.onClose(status, trailers);
					}

				}, headers);
			}
			catch (RuntimeException ex) {
				this.observation.error(ex);
				this.observation.stop();
				throw ex;
			}
		}

		private void finish(Status status, Metadata trailers) {
			ServiceInstance instance = this.chosen.get();
			if (instance != null) {
				this.context.setInstance(LoadBalancer.key(instance));
			}
			this.context.setOutcome(GrpcCallOutcomes
				.classify(status, instance != null, GrpcHttpStatus.fromTrailers(trailers))
				.name());
			if (!status.isOk()) {
				this.observation.error(status.asRuntimeException(trailers));
			}
			this.observation.stop();
		}

	}

}
