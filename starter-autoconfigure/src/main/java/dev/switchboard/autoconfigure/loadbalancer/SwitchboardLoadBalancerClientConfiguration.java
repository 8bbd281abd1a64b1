package dev.switchboard.autoconfigure.loadbalancer;

import dev.switchboard.autoconfigure.client.ClientBalancers;
import dev.switchboard.autoconfigure.client.ServiceClientProperties;
import dev.switchboard.core.balancer.LoadBalancer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The load-balancer configuration Switchboard contributes to every Spring Cloud LoadBalancer client context:
 * the balancer chosen by {@code switchboard.clients.<service-id>.load-balancer} (else
 * {@code switchboard.client-defaults.load-balancer}, else p2c-ewma) and the lifecycle that feeds it.
 * Not a {@code @Configuration}: Spring Cloud instantiates it in each client's own context.
 *
 * @author Switchboard
 */
public class SwitchboardLoadBalancerClientConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LoadBalancer switchboardLoadBalancer(Environment environment, ObjectProvider<ServiceClientProperties> properties,
			ObjectProvider<ClientBalancers> balancers) {
		String serviceId = environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME, "default");
		ServiceClientProperties clients = properties.getIfAvailable(() -> new ServiceClientProperties(null, null));
		// Spring Cloud's instance supplier, not Switchboard's discovery, decides what is offered here: the local
		// zone is counted among the offered instances only.
		String zone = balancers.getIfAvailable(() -> ClientBalancers.NO_ZONE).getLocalZone();
		return new ClientBalancers(zone, null).create(clients.resolve(serviceId), null);
	}

	@Bean
	@ConditionalOnMissingBean
	ReactorLoadBalancer<org.springframework.cloud.client.ServiceInstance> reactorServiceInstanceLoadBalancer(
			Environment environment, ObjectProvider<ServiceInstanceListSupplier> suppliers, LoadBalancer balancer) {
		String serviceId = environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME, "default");
		return new SwitchboardReactorLoadBalancer(serviceId, suppliers, balancer);
	}

	@Bean
	SwitchboardLoadBalancerLifecycle switchboardLoadBalancerLifecycle(LoadBalancer balancer) {
		return new SwitchboardLoadBalancerLifecycle(balancer);
	}

}
