package dev.switchboard.autoconfigure.loadbalancer;

import dev.switchboard.autoconfigure.client.ServiceClientRegistry;
import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientProperties;
import org.springframework.cloud.client.loadbalancer.DeferringLoadBalancerInterceptor;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRestClientHttpServiceGroupConfigurer;
import org.springframework.context.annotation.Bean;

/**
 * Keeps Spring Cloud LoadBalancer's interceptor out of Switchboard's HTTP service groups by taking the place of its
 * group configurer with {@link SwitchboardGroupsExcludedConfigurer}, which configures every other group as Spring
 * Cloud's does. Runs before Spring Cloud's load-balancer auto-configuration, whose configurer backs off for it; an
 * application's own configurer of that type wins over both.
 *
 * @author Switchboard
 */
@AutoConfiguration(beforeName = "org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration")
@ConditionalOnClass({ LoadBalancerRestClientHttpServiceGroupConfigurer.class, ServiceClient.class })
public final class SpringCloudLoadBalancerGroupsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LoadBalancerRestClientHttpServiceGroupConfigurer switchboardGroupsExcludedLoadBalancerConfigurer(
			ObjectProvider<DeferringLoadBalancerInterceptor> interceptor,
			HttpServiceClientProperties properties,
			@Qualifier(ServiceClientRegistry.BEAN_NAME) ObjectProvider<ServiceClientRegistry> registry) {
		return new SwitchboardGroupsExcludedConfigurer(interceptor, properties, registry);
	}

}
