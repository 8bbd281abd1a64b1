package dev.switchboard.autoconfigure.loadbalancer;

import java.util.List;

import reactor.core.publisher.Mono;

import dev.switchboard.core.balancer.LoadBalancer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * A Spring Cloud LoadBalancer that delegates the choice to a Switchboard {@link LoadBalancer} (power of two
 * choices over latency by default), so {@code @LoadBalanced} clients avoid slow and failing instances too.
 * {@link SwitchboardLoadBalancerLifecycle} feeds it the outcome of every call.
 *
 * @author Switchboard
 */
public final class SwitchboardReactorLoadBalancer implements ReactorServiceInstanceLoadBalancer {

	private final String serviceId;

	private final ObjectProvider<ServiceInstanceListSupplier> suppliers;

	private final LoadBalancer balancer;

	/**
	 * Creates a load balancer for one service.
	 * @param serviceId the service
	 * @param suppliers Spring Cloud's instance supplier of the service's load-balancer context
	 * @param balancer the Switchboard balancer that chooses
	 */
	public SwitchboardReactorLoadBalancer(String serviceId, ObjectProvider<ServiceInstanceListSupplier> suppliers,
			LoadBalancer balancer) {
		this.serviceId = serviceId;
		this.suppliers = suppliers;
		this.balancer = balancer;
	}

	@Override
	@SuppressWarnings("rawtypes")
	public Mono<Response<ServiceInstance>> choose(Request request) {
		ServiceInstanceListSupplier supplier = this.suppliers.getIfAvailable();
		if (supplier == null) {
			return Mono.just(new EmptyResponse());
		}
		return supplier.get(request).next().map(this::choose);
	}

	private Response<ServiceInstance> choose(List<ServiceInstance> instances) {
		if (instances.isEmpty()) {
			return new EmptyResponse();
		}
		return new DefaultResponse(this.balancer.choose(instances));
	}

	/**
	 * The Switchboard balancer behind this load balancer.
	 * @return the balancer
	 */
	public LoadBalancer getBalancer() {
		return this.balancer;
	}

	@Override
	public String toString() {
		return "SwitchboardReactorLoadBalancer[" + this.serviceId + ", " + this.balancer + "]";
	}

}
