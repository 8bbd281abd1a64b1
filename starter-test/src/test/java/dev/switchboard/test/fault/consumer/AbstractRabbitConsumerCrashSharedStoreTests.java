package dev.switchboard.test.fault.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A consumer on RabbitMQ with a shared idempotency store, killed with SIGKILL mid-stream. What the killed process
 * had processed and marked is skipped after the restart, although RabbitMQ redelivers it; what it was processing
 * when it died (its claims, left in the store) is processed by the restarted consumer once the claims lapse. So
 * no message is lost and at most the messages whose listener had finished but whose claim was not yet marked
 * processed (one per consumer thread at most) run twice, against up to {@code concurrency x prefetch} without a
 * shared store.
 *
 * @author Switchboard
 */
abstract class AbstractRabbitConsumerCrashSharedStoreTests extends RabbitConsumerCrashTests {

	static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(3);

	/** Early in the stream, so that the first start reaches it before the test kills it. */
	static final int HELD_SEQ = MESSAGES / 8;

	private static final Pattern RECLAIMED = Pattern.compile("Reclaimed message \\S+ on ");

	private int claimsLeftByKill = -1;

	/** The store's own properties: which store, where. */
	protected abstract List<String> storeProperties();

	/**
	 * Counts the store's records of the scope.
	 * @param scope destination/group
	 * @param claims claims when {@code true}, processed messages otherwise
	 * @return the count
	 */
	protected abstract int countRecords(String scope, boolean claims) throws Exception;

	/**
	 * Deletes the store's records of the scope.
	 * @param scope destination/group
	 */
	protected abstract void deleteRecords(String scope) throws Exception;

	@Override
	protected List<String> consumerProperties() {
		List<String> properties = new ArrayList<>(storeProperties());
		properties.add("switchboard.channel-deduplication.claim-timeout=" + CLAIM_TIMEOUT.toSeconds() + "s");
		// One listener of the first start never finishes: the kill always lands while at least one claim is held.
		// Without it, a kill in the instant both threads are between messages would leave none to lapse.
		properties.add("consumer-crash.hold-seq=" + HELD_SEQ);
		return properties;
	}

	@Override
	protected void beforeKill(String destination, String group) throws Exception {
		// Kill once the held listener took its claim: the dead process then leaves it (and the other thread's, if
		// that one is inside its listener too) to lapse.
		await("a listener holding a claim").atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> countRecords(scope(destination, group), true) >= 1);
	}

	@Override
	protected void afterKill(String destination, String group) throws Exception {
		this.claimsLeftByKill = countRecords(scope(destination, group), true);
		// The fault reached the store: the dead process left claims of the messages it was processing.
		assertThat(this.claimsLeftByKill).as("claims the killed consumer left").isBetween(1, CONCURRENCY);
		assertThat(countRecords(scope(destination, group), false)).as("messages the killed consumer marked processed")
			.isPositive();
	}

	@Override
	protected void assertDuplicates(Map<String, List<Integer>> duplicates) {
		// Only a message whose listener returned in the killed process while its claim was not yet marked.
		assertThat(duplicates.values()).allSatisfy((instances) -> assertThat(instances).containsExactly(1, 2));
		assertThat(duplicates).as("messages processed twice").hasSizeLessThanOrEqualTo(this.claimsLeftByKill);
	}

	@Override
	protected void assertRestartedConsumerLog(String log) {
		// Each claim the dead process left was taken over once it lapsed, and its message processed.
		Matcher matcher = RECLAIMED.matcher(log);
		int reclaimed = 0;
		while (matcher.find()) {
			reclaimed++;
		}
		assertThat(reclaimed).as("lapsed claims taken over by the restarted consumer").isEqualTo(this.claimsLeftByKill);
	}

	@AfterEach
	void deleteStoreRecords() throws Exception {
		deleteRecords(scope(destination(), group()));
	}

	static String scope(String destination, String group) {
		return destination + "/" + group;
	}

}
