package dev.switchboard.core.balancer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link OutlierDetector}.
 *
 * @author Switchboard
 */
class OutlierDetectorTests {

	private final AtomicLong clock = new AtomicLong(123_456_789L);

	private final List<ServiceInstance> instances = TestInstances.instances("a", "b", "c", "d");

	private final ServiceInstance a = this.instances.get(0);

	private final ServiceInstance b = this.instances.get(1);

	private final ServiceInstance c = this.instances.get(2);

	private OutlierDetector detector = detector(OutlierDetector.Config.defaults());

	@Test
	void returnsTheSameListWhenNothingIsEjected() {
		fail(this.a, 4);
		assertThat(this.detector.filter(this.instances)).isSameAs(this.instances);
	}

	@Test
	void ejectsAnInstanceAfterConsecutiveFailures() {
		fail(this.a, 4);
		assertThat(this.detector.isEjected(this.a)).isFalse();
		fail(this.a, 1);
		assertThat(this.detector.isEjected(this.a)).isTrue();
		assertThat(this.detector.ejectedKeys()).containsExactly("a:8080");
		assertThat(this.detector.filter(this.instances)).containsExactly(this.b, this.c, this.instances.get(3));
	}

	@Test
	void countsEveryKindOfInstanceFailure() {
		this.detector.filter(this.instances);
		this.detector.record(this.a, CallOutcome.SERVER_ERROR);
		this.detector.record(this.a, CallOutcome.TIMEOUT);
		this.detector.record(this.a, CallOutcome.CONNECT_FAILURE);
		this.detector.record(this.a, CallOutcome.IO_FAILURE);
		this.detector.record(this.a, CallOutcome.SERVER_ERROR);
		assertThat(this.detector.isEjected(this.a)).isTrue();
	}

	@Test
	void successResetsTheCount() {
		fail(this.a, 4);
		this.detector.record(this.a, CallOutcome.SUCCESS);
		fail(this.a, 4);
		assertThat(this.detector.isEjected(this.a)).isFalse();
		assertThat(this.detector.filter(this.instances)).isSameAs(this.instances);
	}

	@Test
	void clientErrorResetsTheCount() {
		fail(this.a, 4);
		this.detector.record(this.a, CallOutcome.CLIENT_ERROR);
		fail(this.a, 4);
		assertThat(this.detector.isEjected(this.a)).isFalse();
	}

	@Test
	void ejectedInstanceReturnsWhenItsTimeIsUp() {
		fail(this.a, 5);
		advance(Duration.ofSeconds(30).minusNanos(1));
		assertThat(this.detector.isEjected(this.a)).isTrue();
		assertThat(this.detector.filter(this.instances)).doesNotContain(this.a);
		advance(Duration.ofNanos(1));
		assertThat(this.detector.isEjected(this.a)).isFalse();
		assertThat(this.detector.ejectedKeys()).isEmpty();
		assertThat(this.detector.filter(this.instances)).isSameAs(this.instances);
	}

	@Test
	void returnedInstanceNeedsNewConsecutiveFailuresToBeEjectedAgain() {
		fail(this.a, 5);
		advance(Duration.ofSeconds(30));
		fail(this.a, 4);
		assertThat(this.detector.isEjected(this.a)).isFalse();
		fail(this.a, 1);
		assertThat(this.detector.isEjected(this.a)).isTrue();
	}

	@Test
	void ejectionTimeGrowsWithEachEjectionUpToTheMaximum() {
		this.detector = detector(new OutlierDetector.Config(5, Duration.ofSeconds(30), Duration.ofSeconds(70), 50));
		assertThat(ejectionTime(this.a)).isEqualTo(Duration.ofSeconds(30));
		assertThat(ejectionTime(this.a)).isEqualTo(Duration.ofSeconds(60));
		assertThat(ejectionTime(this.a)).isEqualTo(Duration.ofSeconds(70));
		assertThat(ejectionTime(this.a)).isEqualTo(Duration.ofSeconds(70));
	}

	@Test
	void timeBackInServiceForgivesPastEjections() {
		assertThat(ejectionTime(this.a)).isEqualTo(Duration.ofSeconds(30));
		assertThat(ejectionTime(this.a)).isEqualTo(Duration.ofSeconds(60));
		// Back since the end of the second ejection: 30 s forgive one ejection, 60 s both.
		advance(Duration.ofSeconds(30));
		assertThat(ejectionTime(this.a)).isEqualTo(Duration.ofSeconds(60));
		advance(Duration.ofSeconds(60));
		assertThat(ejectionTime(this.a)).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void neverEjectsMoreThanTheMaximumShare() {
		fail(this.a, 5);
		fail(this.b, 5);
		fail(this.c, 5);
		assertThat(this.detector.ejectedKeys()).containsExactly("a:8080", "b:8080");
		assertThat(this.detector.filter(this.instances)).containsExactly(this.c, this.instances.get(3));
	}

	@Test
	void ejectsAnotherInstanceWhenAnEjectionEnds() {
		fail(this.a, 5);
		fail(this.b, 5);
		fail(this.c, 5);
		advance(Duration.ofSeconds(30));
		fail(this.c, 1);
		assertThat(this.detector.ejectedKeys()).containsExactly("c:8080");
	}

	@Test
	void alwaysLeavesOneInstance() {
		this.detector = detector(new OutlierDetector.Config(5, Duration.ofSeconds(30), Duration.ofMinutes(5), 100));
		List<ServiceInstance> two = List.of(this.a, this.b);
		this.detector.filter(two);
		fail(this.a, 5);
		fail(this.b, 5);
		assertThat(this.detector.ejectedKeys()).containsExactly("a:8080");
		assertThat(this.detector.filter(two)).containsExactly(this.b);
	}

	@Test
	void neverEjectsTheOnlyInstance() {
		List<ServiceInstance> one = List.of(this.a);
		this.detector.filter(one);
		fail(this.a, 50);
		assertThat(this.detector.isEjected(this.a)).isFalse();
	}

	@Test
	void neverEjectsWhenTheMaximumShareIsZero() {
		this.detector = detector(new OutlierDetector.Config(5, Duration.ofSeconds(30), Duration.ofMinutes(5), 0));
		fail(this.a, 5);
		assertThat(this.detector.isEjected(this.a)).isFalse();
	}

	@Test
	void returnsAllInstancesWhenAllListedOnesAreEjected() {
		fail(this.a, 5);
		List<ServiceInstance> onlyA = List.of(this.a);
		assertThat(this.detector.filter(onlyA)).isSameAs(onlyA);
	}

	@Test
	void retainAllForgetsInstancesThatAreGone() {
		fail(this.a, 5);
		fail(this.b, 4);
		this.detector.retainAll(List.of(this.b, this.c));
		assertThat(this.detector.ejectedKeys()).isEmpty();
		fail(this.b, 1);
		assertThat(this.detector.ejectedKeys()).containsExactly("b:8080");
	}

	@Test
	void defaultsMatchTheDocumentation() {
		assertThat(OutlierDetector.Config.defaults())
			.isEqualTo(new OutlierDetector.Config(5, Duration.ofSeconds(30), Duration.ofMinutes(5), 50));
	}

	@Test
	void configRejectsFewerThanOneFailure() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OutlierDetector.Config(0, Duration.ofSeconds(30), Duration.ofMinutes(5), 50))
			.withMessage("consecutiveFailures must be at least 1 but was 0");
	}

	@Test
	void configRejectsNonPositiveBaseEjection() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OutlierDetector.Config(5, Duration.ZERO, Duration.ofMinutes(5), 50))
			.withMessage("baseEjection must be positive but was PT0S");
	}

	@Test
	void configRejectsMaxEjectionBelowBaseEjection() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OutlierDetector.Config(5, Duration.ofSeconds(30), Duration.ofSeconds(10), 50))
			.withMessage("maxEjection must be at least baseEjection (PT30S) but was PT10S");
	}

	@Test
	void configRejectsPercentOutOfRange() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OutlierDetector.Config(5, Duration.ofSeconds(30), Duration.ofMinutes(5), 101))
			.withMessage("maxEjectedPercent must be between 0 and 100 but was 101");
	}

	private OutlierDetector detector(OutlierDetector.Config config) {
		OutlierDetector detector = new OutlierDetector(config, this.clock::get);
		detector.filter(this.instances);
		return detector;
	}

	private void fail(ServiceInstance instance, int times) {
		for (int i = 0; i < times; i++) {
			this.detector.record(instance, CallOutcome.SERVER_ERROR);
		}
	}

	private void advance(Duration duration) {
		this.clock.addAndGet(duration.toNanos());
	}

	/**
	 * Ejects {@code instance} and measures how long the ejection lasts, leaving the clock at its end.
	 */
	private Duration ejectionTime(ServiceInstance instance) {
		fail(instance, 5);
		assertThat(this.detector.isEjected(instance)).isTrue();
		Duration step = Duration.ofSeconds(1);
		Duration elapsed = Duration.ZERO;
		while (this.detector.isEjected(instance)) {
			advance(step);
			elapsed = elapsed.plus(step);
		}
		return elapsed;
	}

}
