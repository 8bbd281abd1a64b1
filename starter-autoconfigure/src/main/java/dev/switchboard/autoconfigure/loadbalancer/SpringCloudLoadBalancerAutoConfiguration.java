package dev.switchboard.autoconfigure.loadbalancer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;

/**
 * Offers Switchboard's balancers to Spring Cloud LoadBalancer, so that {@code @LoadBalanced} RestClients,
 * RestTemplates and WebClients choose instances by latency and in-flight calls (p2c-ewma) and learn from every
 * call's outcome. Switch off with {@code switchboard.spring-cloud-loadbalancer.enabled=false} to keep Spring
 * Cloud's round-robin.
 *
 * @author Switchboard
 */
@AutoConfiguration
@ConditionalOnClass(ReactorServiceInstanceLoadBalancer.class)
@ConditionalOnProperty(name = "switchboard.spring-cloud-loadbalancer.enabled", matchIfMissing = true)
@LoadBalancerClients(defaultConfiguration = SwitchboardLoadBalancerClientConfiguration.class)
public final class SpringCloudLoadBalancerAutoConfiguration {

}
