package dev.switchboard.autoconfigure.channel.scanned;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.context.annotation.Configuration;

/**
 * Makes this package the auto-configuration package, as {@code @SpringBootApplication} would.
 *
 * @author Switchboard
 */
@Configuration(proxyBeanMethods = false)
@AutoConfigurationPackage
public class ScannedConfiguration {

}
