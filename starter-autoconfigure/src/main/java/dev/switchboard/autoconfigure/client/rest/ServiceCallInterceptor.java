package dev.switchboard.autoconfigure.client.rest;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.client.ClientStatistics;
import dev.switchboard.autoconfigure.client.MethodPolicy;
import dev.switchboard.autoconfigure.client.ServiceClientRuntime;
import dev.switchboard.autoconfigure.observation.ServiceCallObservationContext;
import dev.switchboard.autoconfigure.observation.SwitchboardObservations;
import dev.switchboard.core.balancer.CallOutcome;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.balancer.OutlierDetector;
import dev.switchboard.core.discovery.NoInstanceAvailableException;
import dev.switchboard.core.discovery.ServiceDiscovery;
import dev.switchboard.core.resilience.Backoff;
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
 * Idempotent calls that fail with a connection failure, a timeout, an I/O error or a retryable status are tried
 * again on another instance, with jittered exponential backoff, while the client's retry budget allows. Hedged
 * methods send a second attempt to another instance when the first is slow; the first answer wins.
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

	private final LoadBalancer balancer;

	private final @Nullable OutlierDetector outliers;

	private final Duration connectTimeout;

	private final Duration readTimeout;

	private final Executor hedgeExecutor;

	private final ClientStatistics statistics;

	private final SwitchboardObservations observations;

	private final boolean secure;

	ServiceCallInterceptor(ServiceClientRuntime client, ServiceDiscovery discovery, Duration connectTimeout,
			Duration readTimeout, Executor hedgeExecutor, SwitchboardObservations observations, boolean secure) {
		this.client = client;
		this.observations = observations;
		this.secure = secure;
		this.serviceId = client.getSettings().serviceId();
		this.discovery = discovery;
		this.balancer = client.getBalancer();
		this.outliers = client.getOutlierDetector();
		this.connectTimeout = connectTimeout;
		this.readTimeout = readTimeout;
		this.hedgeExecutor = hedgeExecutor;
		this.statistics = client.getStatistics();
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		MethodPolicy policy = policyOf(request);
		if (!this.observations.isEnabled()) {
			return call(request, body, execution, policy, null).get();
		}
		ServiceCallObservationContext context = new ServiceCallObservationContext(
				this.client.getSettings().name(), policy.name(), PROTOCOL, 0);
		Observation observation = this.observations.call(context).start();
		try (Observation.Scope scope = observation.openScope()) {
			Attempt result = call(request, body, execution, policy, observation);
			context.setInstance(LoadBalancer.key(result.instance()));
			context.setOutcome(result.outcome().name());
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
		catch (IOException | RuntimeException ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

	private Attempt call(HttpRequest request, byte[] body, ClientHttpRequestExecution execution, MethodPolicy policy,
			@Nullable Observation observation) throws IOException {
		List<ServiceInstance> instances = this.discovery.getInstances(this.serviceId);
		if (instances.isEmpty()) {
			throw new NoInstanceAvailableException(this.serviceId, this.discovery.backend(), null);
		}
		this.statistics.call();
		this.client.getRetryBudget().deposit();
		if (policy.hedged() && instances.size() > 1) {
			Duration delay = hedgeDelay();
			if (delay != null) {
				return hedged(request, body, execution, policy, instances, delay, observation);
			}
		}
		return withRetries(request, body, execution, policy, instances, null, observation);
	}

	private MethodPolicy policyOf(HttpRequest request) {
		Object policy = request.getAttributes().get(MethodPolicy.ATTRIBUTE);
		if (policy instanceof MethodPolicy methodPolicy) {
			return methodPolicy;
		}
		String method = request.getMethod().name();
		return new MethodPolicy(method, method, Idempotency.isIdempotent(method), null, false);
	}

	private Attempt withRetries(HttpRequest request, byte[] body, ClientHttpRequestExecution execution,
			MethodPolicy policy, List<ServiceInstance> instances, @Nullable List<ServiceInstance> alreadyTried,
			@Nullable Observation observation) {
		int maxAttempts = policy.idempotent() ? this.client.getSettings().retry().maxAttempts() : 1;
		List<ServiceInstance> tried = alreadyTried;
		for (int attempt = 1;; attempt++) {
			ServiceInstance instance = choose(instances, tried);
			Attempt result = attempt(request, body, execution, policy, instance, attempt, maxAttempts, observation);
			if (!result.retryable() || attempt >= maxAttempts || !withdraw()) {
				return result;
			}
			this.statistics.retry();
			result.discard();
			if (tried == null) {
				tried = new ArrayList<>(maxAttempts);
			}
			tried.add(instance);
			if (!Backoff.sleep(this.client.getBackoff().delay(attempt))) {
				return result;
			}
		}
	}

	private Attempt hedged(HttpRequest request, byte[] body, ClientHttpRequestExecution execution, MethodPolicy policy,
			List<ServiceInstance> instances, Duration delay, @Nullable Observation observation) {
		HedgeRace<Attempt> race = new HedgeRace<>(this.statistics);
		ServiceInstance first = choose(instances, null);
		long started = System.nanoTime();
		if (!race.start(this.hedgeExecutor, () -> attempt(request, body, execution, policy, first, 1, 2,
				observation))) {
			// Every thread of the call executor is busy: make the call without a hedge, on the caller's thread.
			this.statistics.hedgeSkipped();
			return withRetries(request, body, execution, policy, instances, null, observation);
		}
		long bound = attemptBound(policy).toNanos();
		long deadline = started + bound;
		Attempt result = race.await(started + delay.toNanos());
		if (result == null) {
			if (withdraw()) {
				ServiceInstance second = choose(instances, List.of(first));
				if (race.start(this.hedgeExecutor, () -> attempt(request, body, execution, policy, second, 2, 2,
						observation))) {
					this.statistics.hedge();
					deadline = System.nanoTime() + bound;
				}
				else {
					this.statistics.hedgeSkipped();
				}
			}
			result = race.await(deadline);
		}
		if (result == null) {
			// The transport's timeouts should have ended every attempt by now (a server trickling its answer
			// byte by byte can outlast a read timeout): stop waiting.
			race.abandon();
			return new Attempt(first, null, raceTimeout(request, policy), CallOutcome.TIMEOUT, false);
		}
		if (result.retryable()) {
			// Every hedged attempt failed in a retryable way: fall back to ordinary retries elsewhere.
			result.discard();
			return withRetries(request, body, execution, policy, instances, new ArrayList<>(race.instances()),
					observation);
		}
		return result;
	}

	/**
	 * The longest a hedged attempt may take: connecting, then waiting for the answer, plus a margin for the
	 * executor and the balancer's bookkeeping.
	 */
	private Duration attemptBound(MethodPolicy policy) {
		Duration read = (policy.readTimeout() != null) ? policy.readTimeout() : this.readTimeout;
		return this.connectTimeout.plus(read).plus(RACE_MARGIN);
	}

	private ServiceCallTimeoutException raceTimeout(HttpRequest request, MethodPolicy policy) {
		Duration read = (policy.readTimeout() != null) ? policy.readTimeout() : this.readTimeout;
		return new ServiceCallTimeoutException(request.getMethod() + " " + request.getURI().getRawPath()
				+ " to service '" + this.serviceId + "': no hedged attempt answered within "
				+ attemptBound(policy).toMillis() + "ms (connect timeout " + this.connectTimeout.toMillis()
				+ "ms + read timeout " + read.toMillis() + "ms + " + RACE_MARGIN.toMillis() + "ms)",
				new InterruptedIOException("Hedged attempts still running when the call gave up"));
	}

	private boolean withdraw() {
		if (this.client.getRetryBudget().tryWithdraw()) {
			return true;
		}
		this.statistics.budgetRefusal();
		return false;
	}

	private ServiceInstance choose(List<ServiceInstance> instances, @Nullable List<ServiceInstance> tried) {
		List<ServiceInstance> candidates = (this.outliers != null) ? this.outliers.filter(instances) : instances;
		if (tried != null && !tried.isEmpty()) {
			List<ServiceInstance> untried = new ArrayList<>(candidates);
			untried.removeIf((instance) -> containsKey(tried, instance));
			if (untried.isEmpty()) {
				untried = new ArrayList<>(instances);
				untried.removeIf((instance) -> containsKey(tried, instance));
			}
			if (!untried.isEmpty()) {
				candidates = untried;
			}
		}
		return this.balancer.choose(candidates);
	}

	private static boolean containsKey(List<ServiceInstance> instances, ServiceInstance candidate) {
		String key = LoadBalancer.key(candidate);
		for (ServiceInstance instance : instances) {
			if (LoadBalancer.key(instance).equals(key)) {
				return true;
			}
		}
		return false;
	}

	private Attempt attempt(HttpRequest request, byte[] body, ClientHttpRequestExecution execution,
			MethodPolicy policy, ServiceInstance instance, int attempt, int maxAttempts, @Nullable Observation call) {
		URI target = InstanceUris.resolve(request.getURI(), instance, this.secure);
		this.statistics.attempt();
		Observation observation = (call != null) ? observeAttempt(policy, instance, attempt, call) : null;
		this.balancer.onStart(instance);
		long start = System.nanoTime();
		Duration previousTimeout = AttemptTimeout.set(policy.readTimeout());
		try {
			ClientHttpResponse response = execution.execute(new RoutedRequest(request, target), body);
			int status = response.getStatusCode().value();
			CallOutcome outcome = (status >= 500) ? CallOutcome.SERVER_ERROR
					: (status >= 400) ? CallOutcome.CLIENT_ERROR : CallOutcome.SUCCESS;
			boolean retryable = outcome == CallOutcome.SERVER_ERROR
					&& this.client.getSettings().retry().statuses().contains(status);
			return completed(instance, start, outcome, new Attempt(instance, response, null, outcome, retryable),
					observation);
		}
		catch (IOException ex) {
			CallOutcome outcome = IoFailures.classify(ex);
			if (Thread.currentThread().isInterrupted() && outcome != CallOutcome.CONNECT_FAILURE) {
				outcome = CallOutcome.CANCELLED;
			}
			ResourceAccessException failure = translate(request, instance, outcome, ex, policy, attempt, maxAttempts);
			return completed(instance, start, outcome,
					new Attempt(instance, null, failure, outcome, outcome != CallOutcome.CANCELLED), observation);
		}
		catch (RuntimeException ex) {
			return completed(instance, start, CallOutcome.IO_FAILURE,
					new Attempt(instance, null, ex, CallOutcome.IO_FAILURE, false), observation);
		}
		catch (Error ex) {
			// Balance the balancer's in-flight count, then let the error end the call (or the hedge race).
			completed(instance, start, CallOutcome.IO_FAILURE,
					new Attempt(instance, null, null, CallOutcome.IO_FAILURE, false), observation);
			throw ex;
		}
		finally {
			AttemptTimeout.set(previousTimeout);
		}
	}

	private Observation observeAttempt(MethodPolicy policy, ServiceInstance instance, int attempt, Observation call) {
		ServiceCallObservationContext context = new ServiceCallObservationContext(this.client.getSettings().name(),
				policy.name(), PROTOCOL, attempt);
		context.setInstance(LoadBalancer.key(instance));
		return this.observations.attempt(context, call).start();
	}

	private Attempt completed(ServiceInstance instance, long start, CallOutcome outcome, Attempt attempt,
			@Nullable Observation observation) {
		long latency = System.nanoTime() - start;
		if (observation != null) {
			((ServiceCallObservationContext) observation.getContext()).setOutcome(outcome.name());
			if (attempt.failure() != null) {
				observation.error(attempt.failure());
			}
			observation.stop();
		}
		this.balancer.onComplete(instance, latency, outcome);
		if (this.outliers != null && outcome != CallOutcome.CANCELLED) {
			this.outliers.record(instance, outcome);
		}
		if (outcome == CallOutcome.SUCCESS || outcome == CallOutcome.CLIENT_ERROR) {
			this.client.getLatencies().record(latency);
		}
		return attempt;
	}

	private @Nullable Duration hedgeDelay() {
		Duration fixed = this.client.getSettings().hedge().delay();
		return (fixed != null) ? fixed : this.client.getLatencies().percentile();
	}

	private ResourceAccessException translate(HttpRequest request, ServiceInstance instance, CallOutcome outcome,
			IOException ex, MethodPolicy policy, int attempt, int maxAttempts) {
		String call = request.getMethod() + " " + request.getURI().getRawPath() + " to service '" + this.serviceId
				+ "' at " + LoadBalancer.key(instance) + ((maxAttempts > 1) ? " (attempt " + attempt + " of "
						+ maxAttempts + ")" : "");
		if (outcome == CallOutcome.TIMEOUT) {
			Duration timeout = (policy.readTimeout() != null) ? policy.readTimeout() : this.readTimeout;
			return new ServiceCallTimeoutException(
					call + " got no response within the read timeout of " + timeout.toMillis() + "ms", ex);
		}
		String what = (outcome == CallOutcome.CONNECT_FAILURE) ? "Could not connect for " : "I/O error on ";
		return new ResourceAccessException(what + call + ": " + ex.getMessage(), ex);
	}


	@Override
	public String toString() {
		return "ServiceCallInterceptor[service=" + this.serviceId + ", balancer=" + this.balancer + "]";
	}

	/**
	 * The result of one attempt: a response, or the failure to report if it is the last attempt.
	 */
	private static final class Attempt implements HedgeRace.Entrant {

		private final ServiceInstance instance;

		private final @Nullable ClientHttpResponse response;

		private final @Nullable RuntimeException failure;

		private final CallOutcome outcome;

		private final boolean retryable;

		Attempt(ServiceInstance instance, @Nullable ClientHttpResponse response, @Nullable RuntimeException failure,
				CallOutcome outcome, boolean retryable) {
			this.instance = instance;
			this.response = response;
			this.failure = failure;
			this.outcome = outcome;
			this.retryable = retryable;
		}

		@Override
		public ServiceInstance instance() {
			return this.instance;
		}

		CallOutcome outcome() {
			return this.outcome;
		}

		@Nullable RuntimeException failure() {
			return this.failure;
		}

		@Override
		public boolean retryable() {
			return this.retryable;
		}

		ClientHttpResponse get() {
			if (this.response != null) {
				return this.response;
			}
			throw (this.failure != null) ? this.failure
					: new ResourceAccessException("No response from " + LoadBalancer.key(this.instance));
		}

		@Override
		public void discard() {
			if (this.response != null) {
				this.response.close();
			}
		}

		@Override
		public String toString() {
			return "Attempt[" + LoadBalancer.key(this.instance) + ", " + this.outcome + "]";
		}

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
