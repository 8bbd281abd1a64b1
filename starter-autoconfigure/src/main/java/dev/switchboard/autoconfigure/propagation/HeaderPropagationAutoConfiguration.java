package dev.switchboard.autoconfigure.propagation;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * Auto-configuration of header propagation ({@code switchboard.propagation.headers}): the
 * {@link PropagatedHeaders} bean that REST and gRPC service clients and channel publishers read.
 *
 * @author Switchboard
 */
@AutoConfiguration
@ConditionalOnClass(RequestContextHolder.class)
@EnableConfigurationProperties(PropagationProperties.class)
public final class HeaderPropagationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PropagatedHeaders switchboardPropagatedHeaders(PropagationProperties properties) {
		return new PropagatedHeaders(properties.getHeaders());
	}

}
