package dev.switchboard.autoconfigure.client.rest;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.client.MethodPolicy;
import dev.switchboard.autoconfigure.client.ServiceClientRuntime;
import dev.switchboard.autoconfigure.observation.ServiceCallObservationContext;
import dev.switchboard.autoconfigure.observation.SwitchboardObservations;
import dev.switchboard.core.balancer.CallOutcome;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.discovery.NoInstanceAvailableException;
import dev.switchboard.core.discovery.ServiceDiscovery;
import dev.switchboard.core.call.Attempt;
import dev.switchboard.core.call.CallExecution;
import dev.switchboard.core.call.CallPlan;
import dev.switchboard.core.call.CallTransport;
import dev.switchboard.core.resilience.Idempotency;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;
import org.springframework.web.client.ResourceAccessException;

/**
 * Sends each call of one service client to an instance of its service: reads the instances from discovery,
 * skips ejected ones, lets the client's balancer choose, rewrites {@code http://<client>/path} to that instance,
 * and reports every attempt's latency and outcome to the balancer and the outlier detector.
 * <p>
 * What is retried, where, after how long and within which budget is the client's
 * {@link dev.switchboard.core.call.CallPolicy}, the same for REST and gRPC: this class only adapts it to
 * Spring's request execution (routing, per-method read timeouts, I/O failure classification, observations).
 * A request that never left (connection refused, connect timeout) is retried on another instance for every
 * method; one that may have reached the server only for idempotent methods.
 * <p>
 * Each call, and each attempt of it, is observed with the application's {@code ObservationRegistry}
 * ({@code switchboard.client.calls} / {@code switchboard.client.attempts}) unless observations are off.
 * <p>
 * Written by hand because Spring Cloud LoadBalancer's interceptors offer neither per-call outcome feedback,
 * nor retry budgets, nor hedging, and Spring's {@code @Retryable} cannot move a call to another instance.
 *
 * @author Switchboard
 */
final class ServiceCallInterceptor implements ClientHttpRequestInterceptor {

	private static final String PROTOCOL = "rest";

	private static final String NO_INSTANCE = "NO_INSTANCE";

	private static final Duration RACE_MARGIN = Duration.ofMillis(250);

	private final ServiceClientRuntime client;

	private final String serviceId;

	private final ServiceDiscovery discovery;

	private final Duration connectTimeout;

	private final Duration readTimeout;

	private final SwitchboardObservations observations;

	private final InstanceUris uris;

	ServiceCallInterceptor(ServiceClientRuntime client, ServiceDiscovery discovery, Duration connectTimeout,
			Duration readTimeout, SwitchboardObservations observations, boolean secure) {
		this.client = client;
		this.observations = observations;
		this.uris = new InstanceUris(secure);
		this.serviceId = client.getSettings().serviceId();
		this.discovery = discovery;
		this.connectTimeout = connectTimeout;
		this.readTimeout = readTimeout;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution) {
		MethodPolicy policy = policyOf(request);
		if (!this.observations.isEnabled()) {
			return call(request, body, execution, policy, null).get();
		}
		ServiceCallObservationContext context = new ServiceCallObservationContext(
				this.client.getSettings().name(), policy.name(), PROTOCOL, 0);
		Observation observation = this.observations.call(context).start();
		try (Observation.Scope scope = observation.openScope()) {
			Attempt<ClientHttpResponse> result = call(request, body, execution, policy, observation);
			context.setInstance(LoadBalancer.key(result.instance()));
			context.setOutcome(result.callOutcome().name());
			if (result.failure() != null) {
				observation.error(result.failure());
			}
			return result.get();
		}
		catch (NoInstanceAvailableException ex) {
			context.setOutcome(NO_INSTANCE);
			observation.error(ex);
			throw ex;
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	private Attempt<ClientHttpResponse> call(HttpRequest request, byte[] body, ClientHttpRequestExecution execution,
			MethodPolicy policy, @Nullable Observation observation) {
		List<ServiceInstance> instances = this.discovery.getInstances(this.serviceId);
		if (instances.isEmpty()) {
			throw new NoInstanceAvailableException(this.serviceId, this.discovery.backend(), null);
		}
		CallPlan plan = new CallPlan(policy.idempotent(), policy.hedged(), attemptBound(policy));
		return CallExecution.run(this.client.getCallPolicy(), plan, instances,
				new RestTransport(request, body, execution, policy, observation));
	}

	private MethodPolicy policyOf(HttpRequest request) {
		Object policy = request.getAttributes().get(MethodPolicy.ATTRIBUTE);
		if (policy instanceof MethodPolicy methodPolicy) {
			return methodPolicy;
		}
		String method = request.getMethod().name();
		return new MethodPolicy(method, method, Idempotency.isIdempotent(method), null, false);
	}

	/**
	 * The longest a hedged attempt may take: connecting, then waiting for the answer, plus a margin for the
	 * executor and the balancer's bookkeeping.
	 */
	private Duration attemptBound(MethodPolicy policy) {
		return this.connectTimeout.plus(readTimeout(policy)).plus(RACE_MARGIN);
	}

	private Duration readTimeout(MethodPolicy policy) {
		return (policy.readTimeout() != null) ? policy.readTimeout() : this.readTimeout;
	}

	private Observation observeAttempt(MethodPolicy policy, ServiceInstance instance, int attempt, Observation call) {
		ServiceCallObservationContext context = new ServiceCallObservationContext(this.client.getSettings().name(),
				policy.name(), PROTOCOL, attempt);
		context.setInstance(LoadBalancer.key(instance));
		return this.observations.attempt(context, call).start();
	}

	private ResourceAccessException translate(HttpRequest request, ServiceInstance instance, CallOutcome outcome,
			IOException ex, MethodPolicy policy, int attempt, int maxAttempts) {
		String call = request.getMethod() + " " + request.getURI().getRawPath() + " to service '" + this.serviceId
				+ "' at " + LoadBalancer.key(instance) + ((maxAttempts > 1) ? " (attempt " + attempt + " of "
						+ maxAttempts + ")" : "");
		if (outcome == CallOutcome.TIMEOUT) {
			return new ServiceCallTimeoutException(call + " got no response within the read timeout of "
					+ readTimeout(policy).toMillis() + "ms", ex);
		}
		String what = (outcome == CallOutcome.CONNECT_FAILURE) ? "Could not connect for " : "I/O error on ";
		return new ResourceAccessException(what + call + ": " + ex.getMessage(), ex);
	}

	/**
	 * One call's attempts over the group's request factory: routes the request to the chosen instance, runs it
	 * with the method's read timeout, classifies how far it got, and observes it.
	 */
	private final class RestTransport implements CallTransport<ClientHttpResponse> {

		private final HttpRequest request;

		private final byte[] body;

		private final ClientHttpRequestExecution execution;

		private final MethodPolicy policy;

		private final @Nullable Observation call;

		RestTransport(HttpRequest request, byte[] body, ClientHttpRequestExecution execution, MethodPolicy policy,
				@Nullable Observation call) {
			this.request = request;
			this.body = body;
			this.execution = execution;
			this.policy = policy;
			this.call = call;
		}

		@Override
		public Attempt<ClientHttpResponse> send(ServiceInstance instance, int number, int maxAttempts) {
			URI target = ServiceCallInterceptor.this.uris.resolve(this.request.getURI(), instance);
			Observation observation = (this.call != null) ? observeAttempt(this.policy, instance, number, this.call)
					: null;
			Duration previousTimeout = AttemptTimeout.set(this.policy.readTimeout());
			Attempt<ClientHttpResponse> result;
			try {
				ClientHttpResponse response = this.execution.execute(new RoutedRequest(this.request, target), this.body);
				int status = response.getStatusCode().value();
				CallOutcome outcome = (status >= 500) ? CallOutcome.SERVER_ERROR
						: (status >= 400) ? CallOutcome.CLIENT_ERROR : CallOutcome.SUCCESS;
				boolean retryable = outcome == CallOutcome.SERVER_ERROR
						&& ServiceCallInterceptor.this.client.getSettings().retry().statuses().contains(status);
				result = Attempt.response(instance, response, outcome, retryable);
			}
			catch (IOException ex) {
				CallOutcome outcome = IoFailures.classify(ex);
				if (Thread.currentThread().isInterrupted() && outcome != CallOutcome.CONNECT_FAILURE) {
					outcome = CallOutcome.CANCELLED;
				}
				ResourceAccessException failure = translate(this.request, instance, outcome, ex, this.policy, number,
						maxAttempts);
				result = switch (outcome) {
					case CONNECT_FAILURE -> Attempt.notSent(instance, failure);
					case CANCELLED -> Attempt.finalFailure(instance, failure, outcome);
					default -> Attempt.failedAfterSend(instance, failure, outcome);
				};
			}
			catch (RuntimeException ex) {
				result = Attempt.finalFailure(instance, ex, CallOutcome.IO_FAILURE);
			}
			catch (Error ex) {
				if (observation != null) {
					observation.error(ex);
					observation.stop();
				}
				throw ex;
			}
			finally {
				AttemptTimeout.set(previousTimeout);
			}
			if (observation != null) {
				((ServiceCallObservationContext) observation.getContext()).setOutcome(result.callOutcome().name());
				if (result.failure() != null) {
					observation.error(result.failure());
				}
				observation.stop();
			}
			return result;
		}

		@Override
		public void discard(ClientHttpResponse response) {
			response.close();
		}

		@Override
		public RuntimeException hedgeTimeout(Duration bound) {
			return new ServiceCallTimeoutException(this.request.getMethod() + " " + this.request.getURI().getRawPath()
					+ " to service '" + ServiceCallInterceptor.this.serviceId + "': no hedged attempt answered within "
					+ bound.toMillis() + "ms (connect timeout " + ServiceCallInterceptor.this.connectTimeout.toMillis()
					+ "ms + read timeout " + readTimeout(this.policy).toMillis() + "ms + " + RACE_MARGIN.toMillis()
					+ "ms)", new InterruptedIOException("Hedged attempts still running when the call gave up"));
		}

		@Override
		public RuntimeException interrupted() {
			return new ResourceAccessException("Interrupted while waiting for a hedged service call");
		}

	}

	@Override
	public String toString() {
		return "ServiceCallInterceptor[service=" + this.serviceId + ", " + this.client.getCallPolicy() + "]";
	}

	private static final class RoutedRequest extends HttpRequestWrapper {

		private final URI uri;

		RoutedRequest(HttpRequest request, URI uri) {
			super(request);
			this.uri = uri;
		}

		@Override
		public URI getURI() {
			return this.uri;
		}

	}

}
