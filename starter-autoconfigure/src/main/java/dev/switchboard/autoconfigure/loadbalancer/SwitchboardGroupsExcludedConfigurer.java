package dev.switchboard.autoconfigure.loadbalancer;

import dev.switchboard.autoconfigure.client.ServiceClientRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientProperties;
import org.springframework.cloud.client.loadbalancer.DeferringLoadBalancerInterceptor;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRestClientHttpServiceGroupConfigurer;
import org.springframework.web.client.RestClient;
import org.springframework.web.service.registry.HttpServiceGroupConfigurer;

/**
 * Spring Cloud LoadBalancer's configurer of HTTP service groups, for every group but Switchboard's own: those route
 * and balance through Switchboard's request factory and must not get Spring Cloud LoadBalancer's interceptor.
 * <p>
 * Why in place of Spring Cloud's bean rather than removing its interceptor afterwards: once a {@code RestClient}
 * builder's interceptor list has been touched, the client wraps every request in an intercepting request even when
 * the list is empty again (Spring Framework 7), and the builder has no way back to "no interceptors". Measured on a
 * loopback call (docs/benchmarks.md), that empty layer cost Switchboard's clients a quarter of their throughput on
 * Apache HttpClient 5. Spring Cloud's configuration backs off when a bean of this type exists.
 *
 * @author Switchboard
 */
public final class SwitchboardGroupsExcludedConfigurer extends LoadBalancerRestClientHttpServiceGroupConfigurer {

	private final ObjectProvider<DeferringLoadBalancerInterceptor> interceptor;

	private final ObjectProvider<ServiceClientRegistry> registry;

	SwitchboardGroupsExcludedConfigurer(ObjectProvider<DeferringLoadBalancerInterceptor> interceptor,
			HttpServiceClientProperties properties, ObjectProvider<ServiceClientRegistry> registry) {
		super(interceptor, properties);
		this.interceptor = interceptor;
		this.registry = registry;
	}

	@Override
	public void configureGroups(HttpServiceGroupConfigurer.Groups<RestClient.Builder> groups) {
		if (this.interceptor.getIfAvailable() == null) {
			// Spring Cloud's own bean exists only with its interceptor; without one there is nothing to add.
			return;
		}
		ServiceClientRegistry clients = this.registry.getIfAvailable();
		super.configureGroups((clients != null) ? groups.filter((group) -> !clients.contains(group.name())) : groups);
	}

}
