package dev.switchboard.autoconfigure.client.grpc;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.client.MethodPolicies;
import dev.switchboard.autoconfigure.client.ServiceClientRuntime;
import dev.switchboard.autoconfigure.client.rest.ServiceCallTimeoutException;
import dev.switchboard.autoconfigure.grpc.internal.GrpcHttpStatus;
import dev.switchboard.autoconfigure.grpc.internal.ServiceInterfaceContract;
import dev.switchboard.autoconfigure.grpc.internal.ServiceInterfaceContract.ContractMethod;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.discovery.NoInstanceAvailableException;
import dev.switchboard.core.discovery.ServiceDiscovery;
import dev.switchboard.core.balancer.CallOutcome;
import dev.switchboard.core.call.Attempt;
import dev.switchboard.core.call.CallExecution;
import dev.switchboard.core.call.CallPlan;
import dev.switchboard.core.call.CallTransport;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientException;

/**
 * Calls the methods of a {@code @ServiceClient} interface over gRPC, and turns failures into the exceptions a
 * REST caller of the same interface sees: {@link HttpClientErrorException} / {@link HttpServerErrorException}
 * for errors the server's method raised, {@link ServiceCallTimeoutException} when the read timeout passes,
 * {@link ResourceAccessException} when no instance can be reached, {@link NoInstanceAvailableException} when
 * discovery knows none. Attempts, retries, hedging, the budget, instance exclusion and ejection are the
 * client's {@link dev.switchboard.core.call.CallPolicy}, the same as over REST: each attempt is pinned to the
 * instance the policy chose. A method is hedged as over REST ({@link MethodPolicies#hedged}); the losing
 * attempt's thread is interrupted, which makes grpc's blocking call cancel its RPC.
 *
 * @author Switchboard
 */
final class GrpcServiceClientInvocationHandler implements InvocationHandler {

	private static final Duration RACE_MARGIN = Duration.ofMillis(250);

	private final ServiceInterfaceContract contract;

	private final String clientName;

	private final String serviceId;

	private final Channel channel;

	private final ServiceDiscovery discovery;

	private final Duration readTimeout;

	private final ServiceClientRuntime runtime;

	/** The plan of each method, worked out on its first call. */
	private final Map<Method, CallPlan> plans = new ConcurrentHashMap<>();

	GrpcServiceClientInvocationHandler(ServiceInterfaceContract contract, String clientName, String serviceId,
			Channel channel, ServiceDiscovery discovery, Duration readTimeout, ServiceClientRuntime runtime) {
		this.contract = contract;
		this.clientName = clientName;
		this.serviceId = serviceId;
		this.channel = channel;
		this.discovery = discovery;
		this.readTimeout = readTimeout;
		this.runtime = runtime;
	}

	@Override
	public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
		if (method.getDeclaringClass() == Object.class) {
			return switch (method.getName()) {
				case "equals" -> proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				default -> toString();
			};
		}
		if (method.isDefault()) {
			return InvocationHandler.invokeDefault(proxy, method, args);
		}
		ContractMethod call = this.contract.method(method);
		if (call == null) {
			throw new IllegalStateException("Method " + method + " is not mapped to gRPC");
		}
		List<ServiceInstance> instances = this.discovery.getInstances(this.serviceId);
		if (instances.isEmpty()) {
			throw new NoInstanceAvailableException(this.serviceId, this.discovery.backend(), null);
		}
		Object[] arguments = (args != null) ? args : new Object[0];
		CallPlan plan = this.plans.computeIfAbsent(method, (key) -> plan(call));
		return CallExecution.run(this.runtime.getCallPolicy(), plan, instances, new CallTransport<Reply>() {

			@Override
			public Attempt<Reply> send(ServiceInstance instance, int number, int maxAttempts) {
				return attempt(call, arguments, instance);
			}

			@Override
			public RuntimeException hedgeTimeout(Duration bound) {
				return new ServiceCallTimeoutException("gRPC call " + call.descriptor().getFullMethodName()
						+ " to service '" + GrpcServiceClientInvocationHandler.this.serviceId
						+ "': no hedged attempt answered within " + bound.toMillis() + "ms (read timeout "
						+ GrpcServiceClientInvocationHandler.this.readTimeout.toMillis() + "ms + " + RACE_MARGIN.toMillis()
						+ "ms)", new InterruptedIOException("Hedged attempts still running when the call gave up"));
			}

			@Override
			public RuntimeException interrupted() {
				return new ResourceAccessException("Interrupted while waiting for a hedged gRPC call");
			}

		}).get().value();
	}

	/**
	 * The plan of a method: hedged exactly as over REST. Each attempt carries the read timeout as its deadline;
	 * a hedged call waits a margin longer for its last attempt, so that the deadline, not the wait, ends it.
	 */
	private CallPlan plan(ContractMethod call) {
		return new CallPlan(call.idempotent(),
				MethodPolicies.hedged(this.runtime.getSettings(), call.method().getName(), call.idempotent()),
				this.readTimeout.plus(RACE_MARGIN));
	}

	/**
	 * One attempt, pinned to the instance the policy chose, classified by how far it got: a request that never
	 * reached a transport (no instance reachable, connection refused) may go elsewhere whatever the method.
	 */
	private Attempt<Reply> attempt(ContractMethod call, Object[] arguments, ServiceInstance instance) {
		AtomicReference<@Nullable ServiceInstance> chosen = new AtomicReference<>();
		AtomicBoolean sent = new AtomicBoolean();
		CallOptions options = CallOptions.DEFAULT.withOption(DiscoveryTarget.CHOSEN_INSTANCE, chosen)
			.withOption(DiscoveryTarget.PINNED_INSTANCE, instance)
			.withOption(DiscoveryTarget.REQUEST_SENT, sent);
		try {
			Object value = ClientCalls.blockingUnaryCall(this.channel, call.descriptor(), options, arguments).value();
			return Attempt.response(actual(chosen, instance), new Reply(value), CallOutcome.SUCCESS, false);
		}
		catch (StatusRuntimeException ex) {
			Integer httpStatus = GrpcHttpStatus.fromTrailers(ex.getTrailers());
			return GrpcCallOutcomes.failedAttempt(actual(chosen, instance), ex.getStatus(), sent.get(), httpStatus,
					translate(call, ex, httpStatus, chosen.get()), this.runtime.getSettings().retry().statuses());
		}
	}

	private static ServiceInstance actual(AtomicReference<@Nullable ServiceInstance> chosen, ServiceInstance pinned) {
		ServiceInstance actual = chosen.get();
		return (actual != null) ? actual : pinned;
	}

	private RestClientException translate(ContractMethod call, StatusRuntimeException ex, @Nullable Integer httpStatus,
			@Nullable ServiceInstance instance) {
		Status status = ex.getStatus();
		String what = "gRPC call " + call.descriptor().getFullMethodName() + " to service '" + this.serviceId + "'"
				+ ((instance != null) ? " at " + LoadBalancer.key(instance) : "");
		if (httpStatus == null) {
			switch (status.getCode()) {
				case DEADLINE_EXCEEDED -> {
					return new ServiceCallTimeoutException(what + " got no response within the read timeout of "
							+ this.readTimeout.toMillis() + "ms", new IOException(status.toString(), ex));
				}
				case UNAVAILABLE, CANCELLED -> {
					return new ResourceAccessException("I/O error on " + what + ": " + status.getCode() + " "
							+ status.getDescription(), new IOException(status.toString(), ex));
				}
				default -> {
				}
			}
		}
		int code = (httpStatus != null) ? httpStatus : GrpcHttpStatus.toHttp(status.getCode());
		HttpStatusCode statusCode = HttpStatusCode.valueOf(code);
		HttpStatus known = HttpStatus.resolve(code);
		String statusText = (known != null) ? known.getReasonPhrase() : "";
		String description = (status.getDescription() != null) ? status.getDescription() : status.getCode().toString();
		if (httpStatus == null && status.getCode() == Status.Code.UNIMPLEMENTED) {
			description = "the server does not export " + this.contract.type().getName() + " over gRPC (list it in "
					+ "switchboard.grpc.server.exports) or is out of date: " + description;
		}
		String message = code + " " + statusText + " on " + what + ": \"" + description + "\"";
		byte[] body = description.getBytes(StandardCharsets.UTF_8);
		RestClientException translated = (code >= 500)
				? HttpServerErrorException.create(message, statusCode, statusText, HttpHeaders.EMPTY, body,
						StandardCharsets.UTF_8)
				: HttpClientErrorException.create(message, statusCode, statusText, HttpHeaders.EMPTY, body,
						StandardCharsets.UTF_8);
		translated.initCause(ex);
		return translated;
	}

	@Override
	public String toString() {
		return "gRPC client of " + this.contract.type().getName() + " (client '" + this.clientName + "')";
	}

	/**
	 * A method's return value, {@code null} for {@code void} methods.
	 */
	private record Reply(@Nullable Object value) {
	}

}
