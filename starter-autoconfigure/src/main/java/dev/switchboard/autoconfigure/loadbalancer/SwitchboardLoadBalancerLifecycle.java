package dev.switchboard.autoconfigure.loadbalancer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.switchboard.core.balancer.CallOutcome;
import dev.switchboard.core.balancer.LoadBalancer;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.http.HttpStatusCode;

/**
 * Reports each call made through Spring Cloud LoadBalancer to the Switchboard balancer that chose its
 * instance: start, latency and outcome, as Switchboard's own clients do.
 *
 * @author Switchboard
 */
public final class SwitchboardLoadBalancerLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

	private final LoadBalancer balancer;

	// Spring Cloud's CompletionContext carries no start time; keyed by the request object of the call.
	private final Map<Request<Object>, Long> starts = new ConcurrentHashMap<>();

	/**
	 * Creates the lifecycle of one service's balancer.
	 * @param balancer the balancer to feed
	 */
	public SwitchboardLoadBalancerLifecycle(LoadBalancer balancer) {
		this.balancer = balancer;
	}

	@Override
	public void onStart(Request<Object> request) {
	}

	@Override
	public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
		if (lbResponse.hasServer()) {
			this.balancer.onStart(lbResponse.getServer());
			this.starts.put(request, System.nanoTime());
		}
	}

	@Override
	public void onComplete(CompletionContext<Object, ServiceInstance, Object> completionContext) {
		Response<ServiceInstance> lbResponse = completionContext.getLoadBalancerResponse();
		Long start = this.starts.remove(completionContext.getLoadBalancerRequest());
		if (lbResponse == null || !lbResponse.hasServer() || start == null) {
			return;
		}
		this.balancer.onComplete(lbResponse.getServer(), System.nanoTime() - start, outcome(completionContext));
	}

	private static CallOutcome outcome(CompletionContext<Object, ServiceInstance, Object> context) {
		if (context.status() == CompletionContext.Status.FAILED) {
			return CallOutcome.IO_FAILURE;
		}
		if (context.getClientResponse() instanceof ResponseData response && response.getHttpStatus() != null) {
			HttpStatusCode status = response.getHttpStatus();
			if (status.is5xxServerError()) {
				return CallOutcome.SERVER_ERROR;
			}
			if (status.is4xxClientError()) {
				return CallOutcome.CLIENT_ERROR;
			}
		}
		return CallOutcome.SUCCESS;
	}

}
