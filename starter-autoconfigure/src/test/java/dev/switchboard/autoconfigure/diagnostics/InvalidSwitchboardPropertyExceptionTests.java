package dev.switchboard.autoconfigure.diagnostics;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link InvalidSwitchboardPropertyException}: startup reports end up in logs, so they never print
 * credentials.
 *
 * @author Switchboard
 */
class InvalidSwitchboardPropertyExceptionTests {

	@Test
	void messageNamesThePropertyTheValueAndTheAllowedValues() {
		InvalidSwitchboardPropertyException ex = new InvalidSwitchboardPropertyException(
				"switchboard.clients.inventory.timeout.read", "-1s", "must be a positive duration", "500ms or 2s");
		assertThat(ex).hasMessage("Invalid value '-1s' for property 'switchboard.clients.inventory.timeout.read': "
				+ "must be a positive duration (allowed values: 500ms or 2s)");
	}

	@Test
	void userInfoOfAUrlIsMasked() {
		InvalidSwitchboardPropertyException ex = new InvalidSwitchboardPropertyException(
				"switchboard.discovery.static.services.inventory[0]", "ftp://alice:s3cr3t@10.0.0.1:21",
				"the URL must start with http:// or https://", null);
		assertThat(ex.getMessage()).doesNotContain("s3cr3t").doesNotContain("alice").contains("ftp://******@10.0.0.1:21");
		assertThat(ex.getValue()).isEqualTo("ftp://******@10.0.0.1:21");
	}

	@Test
	void valuesOfSecretLookingPropertiesAreMasked() {
		InvalidSwitchboardPropertyException ex = new InvalidSwitchboardPropertyException(
				"switchboard.registration.metadata.api-token", "tok-123", "must not be blank", null);
		assertThat(ex.getMessage()).doesNotContain("tok-123").contains("'******'");
	}

	@Test
	void durationsArePrintedAsAUserWritesThem() {
		assertThat(new InvalidSwitchboardPropertyException("p", Duration.ofSeconds(-2), "must be positive", null))
			.hasMessage("Invalid value '-2s' for property 'p': must be positive");
		assertThat(InvalidSwitchboardPropertyException.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
		assertThat(InvalidSwitchboardPropertyException.format(Duration.ofMinutes(5))).isEqualTo("5m");
		assertThat(InvalidSwitchboardPropertyException.format(Duration.ofHours(-3))).isEqualTo("-3h");
		assertThat(InvalidSwitchboardPropertyException.format(Duration.ofDays(2))).isEqualTo("2d");
		assertThat(InvalidSwitchboardPropertyException.format(Duration.ofNanos(1500))).isEqualTo("1500ns");
		assertThat(InvalidSwitchboardPropertyException.format(Duration.ZERO)).isEqualTo("0s");
	}

	@Test
	void isSpringBootsInvalidConfigurationPropertyValueException() {
		InvalidSwitchboardPropertyException ex = new InvalidSwitchboardPropertyException("switchboard.x", 5,
				"must be at least 7", null);
		assertThat(ex).isInstanceOf(InvalidConfigurationPropertyValueException.class);
		assertThat(ex.getName()).isEqualTo("switchboard.x");
		assertThat(ex.getValue()).isEqualTo(5);
		assertThat(ex.getReason()).isEqualTo("must be at least 7");
	}

	@Test
	void urlReportsSayWhichPartIsWrong() {
		assertThatExceptionOfType(InvalidSwitchboardPropertyException.class)
			.isThrownBy(() -> PropertyChecks.httpUrl("p", "http://127.0.0.1:80a82", "http://h:1"))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo("the port '80a82' is not a number"));
		assertThatExceptionOfType(InvalidSwitchboardPropertyException.class)
			.isThrownBy(() -> PropertyChecks.httpUrl("p", "http://127.0.0.1:70000", "http://h:1"))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo("the port 70000 is not between 1 and 65535"));
		assertThatExceptionOfType(InvalidSwitchboardPropertyException.class)
			.isThrownBy(() -> PropertyChecks.httpUrl("p", "http://bad_host:8080", "http://h:1"))
			.satisfies((ex) -> assertThat(ex.getReason())
				.isEqualTo("the host 'bad_host' is not a valid host name or IP address"));
		assertThatExceptionOfType(InvalidSwitchboardPropertyException.class)
			.isThrownBy(() -> PropertyChecks.httpUrl("p", "ftp://h:21", "http://h:1"))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo("the URL must start with http:// or https://"));
		assertThat(PropertyChecks.httpUrl("p", "http://[::1]:8080/api", "http://h:1").getRawPath()).isEqualTo("/api");
	}

}
