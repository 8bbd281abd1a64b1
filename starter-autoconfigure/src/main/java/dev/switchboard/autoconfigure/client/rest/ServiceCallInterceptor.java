package dev.switchboard.autoconfigure.client.rest;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.switchboard.core.balancer.CallOutcome;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.discovery.NoInstanceAvailableException;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;
import org.springframework.web.client.ResourceAccessException;

/**
 * Sends each call of one service client to an instance of its service: reads the instances from discovery,
 * lets the client's balancer choose, rewrites {@code http://<client>/path} to that instance, and reports the
 * outcome back to the balancer. One interceptor per client, so nothing is looked up per call.
 *
 * @author Switchboard
 */
final class ServiceCallInterceptor implements ClientHttpRequestInterceptor {

	private final String serviceId;

	private final ServiceDiscovery discovery;

	private final LoadBalancer balancer;

	private final @Nullable Duration readTimeout;

	ServiceCallInterceptor(String serviceId, ServiceDiscovery discovery, LoadBalancer balancer,
			@Nullable Duration readTimeout) {
		this.serviceId = serviceId;
		this.discovery = discovery;
		this.balancer = balancer;
		this.readTimeout = readTimeout;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		List<ServiceInstance> instances = this.discovery.getInstances(this.serviceId);
		if (instances.isEmpty()) {
			throw new NoInstanceAvailableException(this.serviceId, this.discovery.backend(), null);
		}
		ServiceInstance instance = this.balancer.choose(instances);
		URI target = InstanceUris.resolve(request.getURI(), instance);
		this.balancer.onStart(instance);
		long start = System.nanoTime();
		CallOutcome outcome = CallOutcome.IO_FAILURE;
		try {
			ClientHttpResponse response = execution.execute(new RoutedRequest(request, target), body);
			outcome = outcomeOf(response.getStatusCode());
			return response;
		}
		catch (IOException ex) {
			outcome = IoFailures.classify(ex);
			throw translate(request, instance, outcome, ex);
		}
		finally {
			this.balancer.onComplete(instance, System.nanoTime() - start, outcome);
		}
	}

	private static CallOutcome outcomeOf(HttpStatusCode status) {
		if (status.is5xxServerError()) {
			return CallOutcome.SERVER_ERROR;
		}
		return status.is4xxClientError() ? CallOutcome.CLIENT_ERROR : CallOutcome.SUCCESS;
	}

	private ResourceAccessException translate(HttpRequest request, ServiceInstance instance, CallOutcome outcome,
			IOException ex) {
		String call = request.getMethod() + " " + request.getURI().getRawPath() + " to service '" + this.serviceId
				+ "' at " + LoadBalancer.key(instance);
		if (outcome == CallOutcome.TIMEOUT) {
			String limit = (this.readTimeout != null) ? " within the read timeout of " + this.readTimeout.toMillis()
					+ "ms" : " in time";
			return new ServiceCallTimeoutException(call + " got no response" + limit, ex);
		}
		String what = (outcome == CallOutcome.CONNECT_FAILURE) ? "Could not connect for " : "I/O error on ";
		return new ResourceAccessException(what + call + ": " + ex.getMessage(), ex);
	}

	@Override
	public String toString() {
		return "ServiceCallInterceptor[service=" + this.serviceId + ", balancer=" + this.balancer + "]";
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
