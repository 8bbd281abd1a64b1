package dev.switchboard.autoconfigure.discovery;

import org.xbill.DNS.Resolver;

import dev.switchboard.autoconfigure.discovery.dns.DnsDiscoveryClient;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The DNS backend: {@code switchboard.discovery.type: dns}, on dnsjava.
 *
 * @author Switchboard
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(Resolver.class)
@ConditionalOnProperty(name = "switchboard.discovery.type", havingValue = "dns")
class DnsDiscoveryBackendConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DiscoveryBackend switchboardDiscoveryBackend(DiscoveryProperties properties) {
		return new DiscoveryBackend(DiscoveryType.DNS.id(), new DnsDiscoveryClient(properties.getDns().toSettings()));
	}

}
