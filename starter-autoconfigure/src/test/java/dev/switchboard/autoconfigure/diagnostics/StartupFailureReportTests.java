package dev.switchboard.autoconfigure.diagnostics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests of what a user sees when an application with bad Switchboard properties fails to start.
 *
 * @author Switchboard
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureReportTests {

	@Test
	void unknownDiscoveryTypeReportNamesThePropertyAndTheValidValues(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start("switchboard.discovery.type=zookeeper"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: switchboard.discovery.type")
			.contains("Value: \"zookeeper\"")
			.contains("The following values are valid:")
			.containsPattern("valid:\\s+consul\\s+dns\\s+etcd\\s+eureka\\s+static\\s");
	}

	@Test
	void nonPositiveTimeoutReportNamesThePropertyAndWhatItAccepts(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start("switchboard.clients.inventory.timeout.read=-5s"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: switchboard.clients.inventory.timeout.read")
			.contains("Reason: must be a positive duration")
			.contains("Update property 'switchboard.clients.inventory.timeout.read' in your application's configuration.")
			.contains("Allowed values: a duration greater than zero, such as 500ms or 2s");
	}

	@Test
	void malformedInstanceUrlReportNamesTheProperty(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> start("switchboard.discovery.static.services.inventory[0]=ftp://10.0.0.1:21"));
		assertThat(output).contains("Property: switchboard.discovery.static.services.inventory[0]")
			.contains("Value: \"ftp://10.0.0.1:21\"")
			.contains("the URL must start with http:// or https://");
	}

	@Test
	void invalidValueReportShowsTheValueAsWrittenAndTheFileAndLine(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start("spring.config.location=classpath:/diagnostics/negative-timeout.yml"));
		assertThat(output).contains("Property: switchboard.clients.inventory.timeout.read")
			.contains("Value: \"-2s\"")
			.doesNotContain("PT-2S")
			.contains("Origin: class path resource [diagnostics/negative-timeout.yml] - 5:15")
			.contains("Reason: must be a positive duration");
	}

	@Test
	void malformedPortIsReportedAsThePortNotTheHost(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> start("switchboard.discovery.static.services.inventory[0]=http://127.0.0.1:80a82"));
		assertThat(output).contains("Value: \"http://127.0.0.1:80a82\"")
			.contains("Reason: the port '80a82' is not a number")
			.doesNotContain("no valid host");
	}

	@Test
	void unknownKeyReportNamesTheClosestKeyAndTheFileAndLine(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start("spring.config.location=classpath:/diagnostics/unknown-key.yml"))
			.isInstanceOf(UnknownSwitchboardPropertyException.class);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Switchboard does not know these properties:")
			.contains("Property: switchboard.discovry.type")
			.contains("Value: \"dns\"")
			.contains("Origin: class path resource [diagnostics/unknown-key.yml] - 3:11")
			.contains("Reason: Unknown property 'switchboard.discovry.type' (did you mean 'switchboard.discovery.type'?)")
			.contains("Action:")
			.contains("Rename 'switchboard.discovry.type' to 'switchboard.discovery.type'.");
	}

	private static void start(String property) {
		new SpringApplicationBuilder(EmptyApplication.class).web(WebApplicationType.NONE)
			.properties(property)
			.run()
			.close();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class EmptyApplication {

	}

}
