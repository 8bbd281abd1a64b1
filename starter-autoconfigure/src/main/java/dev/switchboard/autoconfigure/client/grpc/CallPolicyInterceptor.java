package dev.switchboard.autoconfigure.client.grpc;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

import dev.switchboard.autoconfigure.client.MethodPolicies;
import dev.switchboard.autoconfigure.client.ServiceClientRuntime;
import dev.switchboard.autoconfigure.observation.SwitchboardObservations;
import dev.switchboard.core.call.CallPlan;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Runs the client's call policy for the unary calls of generated gRPC stubs, as it runs for REST calls and
 * interfaces over gRPC: each attempt pinned to the instance the policy chose, outcomes (from gRPC status codes)
 * fed to the balancer, the outlier detector and the meters, and a failed attempt repeated on another instance
 * when the decision table allows it. A method is idempotent, so retried after its request was sent, when its
 * proto declares {@code option idempotency_level = IDEMPOTENT} or {@code NO_SIDE_EFFECTS}
 * ({@link MethodDescriptor#isIdempotent()}, {@link MethodDescriptor#isSafe()}) or when
 * {@code switchboard.clients.<name>.grpc.idempotent-methods} lists it; a request that never left is retried for
 * every method. An idempotent method is hedged as an interface method is ({@code switchboard.clients.<name>.hedge},
 * or {@code methods.<bare method name>.hedge}): a slow first attempt is raced on another instance and the loser's
 * call cancelled. Each attempt is observed as {@code switchboard.client.attempts}, a child of the call's
 * {@code switchboard.client.calls} observation. Streaming calls, and calls an interface client already pinned,
 * pass through: balanced, but neither retried nor hedged.
 *
 * @author Switchboard
 */
final class CallPolicyInterceptor implements ClientInterceptor {

	private final ServiceClientRuntime runtime;

	private final ServiceDiscovery discovery;

	private final Set<String> idempotentMethods;

	private final SwitchboardObservations observations;

	CallPolicyInterceptor(ServiceClientRuntime runtime, ServiceDiscovery discovery,
			SwitchboardObservations observations) {
		this.runtime = runtime;
		this.discovery = discovery;
		this.observations = observations;
		this.idempotentMethods = Set.copyOf(runtime.getSettings().grpcIdempotentMethods());
	}

	@Override
	public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
		if (method.getType() != MethodDescriptor.MethodType.UNARY
				|| callOptions.getOption(DiscoveryTarget.PINNED_INSTANCE) != null) {
			return next.newCall(method, callOptions);
		}
		List<ServiceInstance> instances;
		try {
			instances = this.discovery.getInstances(this.runtime.getSettings().serviceId());
		}
		catch (RuntimeException ex) {
			// The picker reports the lookup failure as the call's status.
			return next.newCall(method, callOptions);
		}
		if (instances.isEmpty()) {
			return next.newCall(method, callOptions);
		}
		boolean idempotent = idempotent(method);
		String name = (method.getBareMethodName() != null) ? method.getBareMethodName() : method.getFullMethodName();
		// Hedged as interface methods are; the attempt bound is for blocking calls: a deadline ends these.
		CallPlan plan = new CallPlan(idempotent, MethodPolicies.hedged(this.runtime.getSettings(), name, idempotent),
				Duration.ZERO);
		return new PolicyUnaryCall<>(next, method, callOptions, this.runtime, plan, instances, this.observations);
	}

	private boolean idempotent(MethodDescriptor<?, ?> method) {
		return method.isIdempotent() || method.isSafe() || this.idempotentMethods.contains(method.getFullMethodName())
				|| (method.getBareMethodName() != null && this.idempotentMethods.contains(method.getBareMethodName()));
	}

	/**
	 * Waits out backoffs between attempts and hedge delays: one daemon thread for every channel, which only
	 * starts the next attempt or the hedge (the attempt itself runs on grpc's threads). Its queue holds the
	 * retries the retry budgets allow and one hedge timer per hedged call in flight, cancelled when the call
	 * ends.
	 */
	static final class Retries {

		static final ScheduledExecutorService SCHEDULER = scheduler();

		private static ScheduledExecutorService scheduler() {
			ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, (task) -> {
				Thread thread = new Thread(task, "switchboard-grpc-retries");
				thread.setDaemon(true);
				return thread;
			});
			// Most hedge timers are cancelled (the first attempt answers in time): drop them at once rather than
			// keep them queued until their delay passes.
			scheduler.setRemoveOnCancelPolicy(true);
			return scheduler;
		}

		private Retries() {
		}

	}

}
