package dev.switchboard.autoconfigure.client.scan;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.context.annotation.Configuration;

/**
 * Makes this package an auto-configuration package, as {@code @SpringBootApplication} does.
 *
 * @author Switchboard
 */
@Configuration(proxyBeanMethods = false)
@AutoConfigurationPackage
public class ScanConfiguration {

}
