package dev.switchboard.autoconfigure.client.grpc;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.client.ClientSettings;
import dev.switchboard.autoconfigure.client.ClientStatistics;
import dev.switchboard.autoconfigure.client.ServiceClientRuntime;
import dev.switchboard.autoconfigure.client.rest.ServiceCallTimeoutException;
import dev.switchboard.autoconfigure.grpc.internal.GrpcHttpStatus;
import dev.switchboard.autoconfigure.grpc.internal.ServiceInterfaceContract;
import dev.switchboard.autoconfigure.grpc.internal.ServiceInterfaceContract.ContractMethod;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.discovery.NoInstanceAvailableException;
import dev.switchboard.core.discovery.ServiceDiscovery;
import dev.switchboard.core.resilience.Backoff;

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
 * discovery knows none. Idempotent methods are retried on another instance when an instance cannot be reached.
 *
 * @author Switchboard
 */
final class GrpcServiceClientInvocationHandler implements InvocationHandler {

	private final ServiceInterfaceContract contract;

	private final String clientName;

	private final String serviceId;

	private final Channel channel;

	private final ServiceDiscovery discovery;

	private final Duration readTimeout;

	private final ServiceClientRuntime runtime;

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
		if (this.discovery.getInstances(this.serviceId).isEmpty()) {
			throw new NoInstanceAvailableException(this.serviceId, this.discovery.backend(), null);
		}
		Object[] arguments = (args != null) ? args : new Object[0];
		ClientSettings.RetrySettings retry = this.runtime.getSettings().retry();
		ClientStatistics statistics = this.runtime.getStatistics();
		statistics.call();
		this.runtime.getRetryBudget().deposit();
		int attempts = call.idempotent() ? retry.maxAttempts() : 1;
		for (int attempt = 1;; attempt++) {
			AtomicReference<@Nullable ServiceInstance> chosen = new AtomicReference<>();
			CallOptions options = CallOptions.DEFAULT.withOption(DiscoveryTarget.CHOSEN_INSTANCE, chosen);
			statistics.attempt();
			try {
				return ClientCalls.blockingUnaryCall(this.channel, call.descriptor(), options, arguments).value();
			}
			catch (StatusRuntimeException ex) {
				Integer httpStatus = GrpcHttpStatus.fromTrailers(ex.getTrailers());
				if (!retryable(ex.getStatus().getCode(), httpStatus, retry) || attempt >= attempts
						|| !withdraw(statistics)) {
					throw translate(call, ex, httpStatus, chosen.get());
				}
				statistics.retry();
				if (!Backoff.sleep(this.runtime.getBackoff().delay(attempt))) {
					throw translate(call, ex, httpStatus, chosen.get());
				}
			}
		}
	}

	/**
	 * The same rules as REST calls: an unreachable instance, a timeout or a retried HTTP status (502, 503, 504 by
	 * default); never an answer the service gave on purpose. Unreachable instances are left out of the next
	 * pick, so a retry goes to another one.
	 */
	private static boolean retryable(Status.Code code, @Nullable Integer httpStatus,
			ClientSettings.RetrySettings retry) {
		if (httpStatus != null) {
			return retry.statuses().contains(httpStatus);
		}
		return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
	}

	private boolean withdraw(ClientStatistics statistics) {
		if (this.runtime.getRetryBudget().tryWithdraw()) {
			return true;
		}
		statistics.budgetRefusal();
		return false;
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

}
