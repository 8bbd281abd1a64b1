package dev.switchboard.core.channel;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.util.backoff.BackOffExecution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RetrySettings}.
 *
 * @author Switchboard
 */
class RetrySettingsTests {

	@Test
	void backoffGrowsByTheMultiplierUpToTheMaximum() {
		RetrySettings retry = new RetrySettings(10, Duration.ofMillis(200), 2.0, Duration.ofSeconds(1));
		assertThat(retry.backoffAfter(1)).hasMillis(200);
		assertThat(retry.backoffAfter(2)).hasMillis(400);
		assertThat(retry.backoffAfter(3)).hasMillis(800);
		assertThat(retry.backoffAfter(4)).hasMillis(1000);
		assertThat(retry.backoffAfter(60)).hasMillis(1000);
	}

	@Test
	void backOffGivesOneDelayPerRetryThenStops() {
		RetrySettings retry = new RetrySettings(4, Duration.ofMillis(200), 2.0, Duration.ofMillis(300));
		BackOffExecution execution = retry.backOff().start();
		assertThat(execution.nextBackOff()).isEqualTo(200);
		assertThat(execution.nextBackOff()).isEqualTo(300);
		assertThat(execution.nextBackOff()).isEqualTo(300);
		assertThat(execution.nextBackOff()).isEqualTo(BackOffExecution.STOP);
	}

	@Test
	void noRetryStopsAtOnce() {
		assertThat(RetrySettings.none().backOff().start().nextBackOff()).isEqualTo(BackOffExecution.STOP);
	}

	@Test
	void invalidValuesAreRejectedPrintingTheValue() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetrySettings(0, Duration.ZERO, 1.0, Duration.ZERO))
			.withMessage("maxAttempts must be at least 1 but was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetrySettings(1, Duration.ofSeconds(2), 1.0, Duration.ofSeconds(1)))
			.withMessage("maxBackoff must not be less than backoff (PT2S) but was PT1S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetrySettings(1, Duration.ZERO, 0.5, Duration.ZERO))
			.withMessage("multiplier must be at least 1 but was 0.5");
	}

}
