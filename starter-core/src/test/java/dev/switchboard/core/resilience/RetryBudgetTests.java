package dev.switchboard.core.resilience;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RetryBudget}.
 *
 * @author Switchboard
 */
class RetryBudgetTests {

	private final AtomicLong clock = new AtomicLong(987_654_321L);

	@Test
	void allowsTheFloorWhenIdle() {
		RetryBudget budget = budget(10, 0.2);
		assertThat(withdrawAll(budget)).isEqualTo(100);
	}

	@Test
	void allowsAShareOfRequestsAndRefusesBeyond() {
		RetryBudget budget = budget(0, 0.2);
		deposit(budget, 100);
		for (int i = 0; i < 20; i++) {
			assertThat(budget.tryWithdraw()).isTrue();
		}
		assertThat(budget.tryWithdraw()).isFalse();
		assertThat(budget.tryWithdraw()).isFalse();
	}

	@Test
	void addsTheShareOfRequestsToTheFloor() {
		RetryBudget budget = budget(10, 0.5);
		deposit(budget, 40);
		assertThat(budget.balance()).isEqualTo(120.0);
		assertThat(withdrawAll(budget)).isEqualTo(120);
	}

	@Test
	void allowsOnlyTheFloorWhenNoRequestMayBeRetried() {
		RetryBudget budget = budget(1, 0.0);
		deposit(budget, 1000);
		assertThat(withdrawAll(budget)).isEqualTo(10);
	}

	@Test
	void recoversAfterTheWindow() {
		RetryBudget budget = budget(10, 0.2);
		withdrawAll(budget);
		advance(Duration.ofSeconds(10));
		assertThat(budget.tryWithdraw()).isFalse();
		advance(Duration.ofSeconds(1));
		assertThat(withdrawAll(budget)).isEqualTo(100);
	}

	@Test
	void forgetsRequestsOlderThanTheWindow() {
		RetryBudget budget = budget(0, 0.2);
		deposit(budget, 100);
		advance(Duration.ofSeconds(11));
		assertThat(budget.tryWithdraw()).isFalse();
	}

	@Test
	void slidesOneSecondAtATime() {
		RetryBudget budget = budget(0, 0.2);
		deposit(budget, 50);
		advance(Duration.ofSeconds(5));
		deposit(budget, 50);
		advance(Duration.ofMillis(4900));
		assertThat(budget.balance()).isEqualTo(20.0);
		advance(Duration.ofMillis(1100));
		assertThat(budget.balance()).isEqualTo(10.0);
		assertThat(withdrawAll(budget)).isEqualTo(10);
		// The retries outlive the requests that paid for them by six seconds.
		advance(Duration.ofSeconds(5));
		assertThat(budget.balance()).isEqualTo(-10.0);
		advance(Duration.ofSeconds(6));
		assertThat(budget.balance()).isZero();
	}

	@Test
	void forgetsEverythingAfterALongPause() {
		RetryBudget budget = budget(0, 0.2);
		deposit(budget, 100);
		advance(Duration.ofHours(1));
		assertThat(budget.balance()).isZero();
		deposit(budget, 5);
		assertThat(budget.balance()).isEqualTo(1.0);
	}

	@Test
	void neverOverdrawsUnderConcurrentRetries() throws Exception {
		RetryBudget budget = budget(10, 0.2);
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<Callable<Integer>> tasks = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				tasks.add(() -> {
					int granted = 0;
					for (int i = 0; i < 500; i++) {
						budget.deposit();
						if (budget.tryWithdraw()) {
							granted++;
						}
					}
					return granted;
				});
			}
			int granted = 0;
			for (Future<Integer> result : executor.invokeAll(tasks)) {
				granted += result.get();
			}
			// 100 from the floor and one for every five of the 2000 requests.
			assertThat(granted).isEqualTo(500);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void defaultsMatchTheDocumentation() {
		RetryBudget budget = new RetryBudget();
		assertThat(budget.getTtl()).isEqualTo(Duration.ofSeconds(10));
		assertThat(budget.getMinRetriesPerSecond()).isEqualTo(10);
		assertThat(budget.getPercentCanRetry()).isEqualTo(0.2);
		assertThat(budget.balance()).isEqualTo(100.0);
	}

	@Test
	void rejectsTtlOutOfRange() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryBudget(Duration.ofMillis(500), 10, 0.2, this.clock::get))
			.withMessage("ttl must be between 1s and 60s but was PT0.5S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryBudget(Duration.ofMinutes(2), 10, 0.2, this.clock::get))
			.withMessage("ttl must be between 1s and 60s but was PT2M");
	}

	@Test
	void rejectsNegativeMinRetriesPerSecond() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryBudget(Duration.ofSeconds(10), -1, 0.2, this.clock::get))
			.withMessage("minRetriesPerSecond must not be negative but was -1");
	}

	@Test
	void rejectsPercentCanRetryOutOfRange() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryBudget(Duration.ofSeconds(10), 10, -0.1, this.clock::get))
			.withMessage("percentCanRetry must be between 0.0 and 1000.0 but was -0.1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryBudget(Duration.ofSeconds(10), 10, Double.NaN, this.clock::get))
			.withMessage("percentCanRetry must be between 0.0 and 1000.0 but was NaN");
	}

	private RetryBudget budget(int minRetriesPerSecond, double percentCanRetry) {
		return new RetryBudget(Duration.ofSeconds(10), minRetriesPerSecond, percentCanRetry, this.clock::get);
	}

	private void deposit(RetryBudget budget, int requests) {
		for (int i = 0; i < requests; i++) {
			budget.deposit();
		}
	}

	private int withdrawAll(RetryBudget budget) {
		int granted = 0;
		while (budget.tryWithdraw()) {
			granted++;
			assertThat(granted).as("retries granted").isLessThan(100_000);
		}
		return granted;
	}

	private void advance(Duration duration) {
		this.clock.addAndGet(duration.toNanos());
	}

}
