package dev.switchboard.autoconfigure.observation;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of Switchboard's observations on the application's {@link ObservationRegistry} (none are
 * recorded without one). Service client calls, gRPC calls and channel messages read the
 * {@link SwitchboardObservations} bean.
 *
 * @author Switchboard
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
public final class SwitchboardObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SwitchboardObservations switchboardObservations(ObjectProvider<ObservationRegistry> registry,
			ObjectProvider<ServiceCallObservationConvention> callConvention,
			ObjectProvider<MessagePublishObservationConvention> publishConvention,
			ObjectProvider<MessageConsumeObservationConvention> consumeConvention) {
		return new SwitchboardObservations(registry.getIfAvailable(() -> ObservationRegistry.NOOP),
				callConvention.getIfUnique(), publishConvention.getIfUnique(), consumeConvention.getIfUnique());
	}

}
