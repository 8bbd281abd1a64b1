package dev.switchboard.core.resilience;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import dev.switchboard.core.resilience.Backoff.Jitter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Backoff}.
 *
 * @author Switchboard
 */
class BackoffTests {

	private static final Duration INITIAL = Duration.ofMillis(100);

	private static final Duration MAX = Duration.ofSeconds(1);

	@Test
	void growsExponentiallyUpToTheMaximumWithoutJitter() {
		Backoff backoff = new Backoff(INITIAL, 2.0, MAX, Jitter.NONE);
		assertThat(backoff.delay(1)).isEqualTo(Duration.ofMillis(100));
		assertThat(backoff.delay(2)).isEqualTo(Duration.ofMillis(200));
		assertThat(backoff.delay(3)).isEqualTo(Duration.ofMillis(400));
		assertThat(backoff.delay(4)).isEqualTo(Duration.ofMillis(800));
		assertThat(backoff.delay(5)).isEqualTo(MAX);
		assertThat(backoff.delay(6)).isEqualTo(MAX);
	}

	@Test
	void staysAtTheMaximumForVeryLargeRetryNumbers() {
		Backoff backoff = new Backoff(INITIAL, 10.0, MAX, Jitter.NONE);
		assertThat(backoff.delay(Integer.MAX_VALUE)).isEqualTo(MAX);
		assertThat(new Backoff(INITIAL, 10.0, MAX, Jitter.FULL).delay(Integer.MAX_VALUE)).isLessThanOrEqualTo(MAX);
	}

	@Test
	void staysConstantWithMultiplierOne() {
		Backoff backoff = new Backoff(INITIAL, 1.0, MAX, Jitter.NONE);
		assertThat(backoff.delay(7)).isEqualTo(INITIAL);
	}

	@Test
	void fullJitterSpreadsBetweenZeroAndTheCeiling() {
		Backoff backoff = new Backoff(INITIAL, 2.0, MAX, Jitter.FULL);
		Set<Duration> seen = new HashSet<>();
		boolean belowHalf = false;
		for (int i = 0; i < 1000; i++) {
			Duration delay = backoff.delay(3);
			assertThat(delay).isBetween(Duration.ZERO, Duration.ofMillis(400));
			belowHalf |= delay.compareTo(Duration.ofMillis(200)) < 0;
			seen.add(delay);
		}
		assertThat(belowHalf).isTrue();
		assertThat(seen).hasSizeGreaterThan(900);
	}

	@Test
	void equalJitterSpreadsBetweenHalfTheCeilingAndTheCeiling() {
		Backoff backoff = new Backoff(INITIAL, 2.0, MAX, Jitter.EQUAL);
		Set<Duration> seen = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			Duration delay = backoff.delay(3);
			assertThat(delay).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
			seen.add(delay);
		}
		assertThat(seen).hasSizeGreaterThan(900);
	}

	@Test
	void usesEqualJitterByDefault() {
		Backoff backoff = new Backoff(INITIAL, 2.0, MAX);
		assertThat(backoff.getJitter()).isEqualTo(Jitter.EQUAL);
		for (int i = 0; i < 100; i++) {
			assertThat(backoff.delay(10)).isBetween(Duration.ofMillis(500), MAX);
		}
	}

	@Test
	void maxDelayIsTheCeilingWithoutJitter() {
		Backoff backoff = new Backoff(INITIAL, 3.0, MAX, Jitter.FULL);
		assertThat(backoff.maxDelay(1)).isEqualTo(INITIAL);
		assertThat(backoff.maxDelay(2)).isEqualTo(Duration.ofMillis(300));
		assertThat(backoff.maxDelay(3)).isEqualTo(Duration.ofMillis(900));
		assertThat(backoff.maxDelay(4)).isEqualTo(MAX);
	}

	@Test
	void rejectsRetryNumbersBelowOne() {
		Backoff backoff = new Backoff(INITIAL, 2.0, MAX);
		assertThatIllegalArgumentException().isThrownBy(() -> backoff.delay(0))
			.withMessage("retryNumber must be at least 1 but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> backoff.maxDelay(-3))
			.withMessage("retryNumber must be at least 1 but was -3");
	}

	@Test
	void rejectsNonPositiveInitialDelay() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Backoff(Duration.ZERO, 2.0, MAX))
			.withMessage("initial must be positive but was PT0S");
	}

	@Test
	void rejectsMultiplierBelowOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Backoff(INITIAL, 0.5, MAX))
			.withMessage("multiplier must be at least 1.0 and finite but was 0.5");
		assertThatIllegalArgumentException().isThrownBy(() -> new Backoff(INITIAL, Double.NaN, MAX))
			.withMessage("multiplier must be at least 1.0 and finite but was NaN");
	}

	@Test
	void rejectsMaximumBelowInitialDelay() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Backoff(INITIAL, 2.0, Duration.ofMillis(50)))
			.withMessage("max must be at least initial (PT0.1S) but was PT0.05S");
	}

}
