package dev.switchboard.autoconfigure.diagnostics;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the startup check of Switchboard's property names: a {@code switchboard.*} key that
 * Switchboard does not know fails startup, naming the closest known key.
 *
 * @author Switchboard
 */
@AutoConfiguration
public final class SwitchboardPropertiesAutoConfiguration {

	@Bean
	static SwitchboardPropertyNamesCheck switchboardPropertyNamesCheck() {
		// Static: a bean factory post-processor must not need its configuration class instantiated.
		return new SwitchboardPropertyNamesCheck();
	}

}
