package dev.switchboard.autoconfigure.diagnostics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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

}
