package dev.switchboard.test.fault.channel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

import dev.switchboard.core.channel.MessageNotPublishedException;
import dev.switchboard.core.channel.PublishOutcomeUnknownException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Publishes at a steady rate from two threads, one waiting for each publish ({@code void @Publish}) and one
 * taking futures ({@code CompletableFuture<Void> @Publish}), and records every publish's outcome and how long its
 * caller waited for it.
 */
final class PublishLoad {

	/** The outcome a publisher was told. */
	enum Outcome {

		CONFIRMED, NOT_PUBLISHED, UNKNOWN, OTHER

	}

	/** One publish as its caller saw it. */
	record Publish(String id, long startNanos, long endNanos, Outcome outcome, String error) {

		Duration waited() {
			return Duration.ofNanos(this.endNanos - this.startNanos);
		}

	}

	/** Publishes one payload by id. */
	interface Publisher {

		void publishAndWait(String id);

		CompletableFuture<Void> publishAsync(String id);

	}

	private final Publisher publisher;

	private final IntSupplier pending;

	private final Map<String, Publish> publishes = new ConcurrentHashMap<>();

	private final Set<String> started = ConcurrentHashMap.newKeySet();

	private final AtomicInteger sequence = new AtomicInteger();

	private final AtomicLong maxPending = new AtomicLong();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	PublishLoad(Publisher publisher, IntSupplier pending) {
		this.publisher = publisher;
		this.pending = pending;
	}

	/**
	 * A load published through the fault tests' channel client, with payloads of about 200 bytes.
	 * @param events the channel client
	 * @param pending the binder's pending publishes
	 * @return the load, not started
	 */
	static PublishLoad of(LoadEvents events, IntSupplier pending) {
		return new PublishLoad(new Publisher() {

			@Override
			public void publishAndWait(String id) {
				events.publish(id, payload(id));
			}

			@Override
			public CompletableFuture<Void> publishAsync(String id) {
				return events.publishAsync(id, payload(id));
			}

		}, pending);
	}

	private static String payload(String id) {
		return "x".repeat(200) + id;
	}

	/** Waits until at least this many publishes were confirmed. */
	void awaitConfirmed(int count) {
		await().atMost(Duration.ofSeconds(30)).until(() -> ids(Outcome.CONFIRMED).size() >= count);
	}

	void start(Duration asyncInterval) {
		this.running = true;
		Thread sync = new Thread(() -> {
			while (this.running) {
				String id = "sync-" + this.sequence.incrementAndGet();
				long start = System.nanoTime();
				this.started.add(id);
				try {
					this.publisher.publishAndWait(id);
					record(id, start, null);
				}
				catch (RuntimeException ex) {
					record(id, start, ex);
				}
				samplePending();
				pause(Duration.ofMillis(5));
			}
		}, "load-sync");
		Thread async = new Thread(() -> {
			while (this.running) {
				String id = "async-" + this.sequence.incrementAndGet();
				long start = System.nanoTime();
				this.started.add(id);
				try {
					this.publisher.publishAsync(id).whenComplete((ignored, failure) -> record(id, start, failure));
				}
				catch (RuntimeException ex) {
					record(id, start, ex);
				}
				samplePending();
				pause(asyncInterval);
			}
		}, "load-async");
		this.threads.add(sync);
		this.threads.add(async);
		this.threads.forEach(Thread::start);
	}

	void stop() throws InterruptedException {
		this.running = false;
		for (Thread thread : this.threads) {
			thread.join(30_000);
		}
	}

	/** Publishes whose caller got no outcome yet. */
	Set<String> unresolved() {
		return this.started.stream().filter((id) -> !this.publishes.containsKey(id)).collect(Collectors.toSet());
	}

	List<Publish> all() {
		return List.copyOf(this.publishes.values());
	}

	Set<String> ids(Outcome outcome) {
		return this.publishes.values()
			.stream()
			.filter((publish) -> publish.outcome() == outcome)
			.map(Publish::id)
			.collect(Collectors.toSet());
	}

	/** Publishes started at or after a moment, by outcome. */
	long count(Outcome outcome, long fromNanos) {
		return this.publishes.values()
			.stream()
			.filter((publish) -> publish.outcome() == outcome && publish.startNanos() >= fromNanos)
			.count();
	}

	long maxPending() {
		return this.maxPending.get();
	}

	void samplePending() {
		this.maxPending.accumulateAndGet(this.pending.getAsInt(), Math::max);
	}

	String summary() {
		Map<Outcome, Long> counts = this.publishes.values()
			.stream()
			.collect(Collectors.groupingBy(Publish::outcome, Collectors.counting()));
		long longest = this.publishes.values().stream().mapToLong((p) -> p.waited().toMillis()).max().orElse(0);
		return counts + ", longest wait " + longest + " ms, most pending " + this.maxPending.get();
	}

	/**
	 * Asserts that every publisher was told the truth: an outcome by its deadline plus a second, never more
	 * publishes pending than the bound, every confirmed message received, no message reported as not published
	 * received, once the binder holds nothing any more.
	 * @param deadline the publish deadline
	 * @param maxPending the binder's bound on pending publishes
	 * @param received the ids a consumer received, with their count
	 * @return a one-line summary
	 */
	String assertTruthful(Duration deadline, int maxPending, Map<String, AtomicInteger> received) {
		// Every caller was told an outcome, by its deadline plus a second.
		await().atMost(Duration.ofSeconds(10)).until(() -> unresolved().isEmpty());
		assertThat(all()).allSatisfy((publish) -> assertThat(publish.waited())
			.as("wait of %s (%s: %s)", publish.id(), publish.outcome(), publish.error())
			.isLessThanOrEqualTo(deadline.plusSeconds(1)));
		assertThat(ids(Outcome.OTHER)).as("publishes with neither outcome").isEmpty();
		assertThat(maxPending()).as("pending publishes").isLessThanOrEqualTo(maxPending);
		// The transport let go of everything: no retry of anything can come later.
		await().atMost(Duration.ofSeconds(30)).until(() -> this.pending.getAsInt() == 0);
		Set<String> confirmed = ids(Outcome.CONFIRMED);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(received.keySet()).as("confirmed messages received").containsAll(confirmed));
		assertThat(ids(Outcome.NOT_PUBLISHED)).as("messages reported as not published but delivered")
			.doesNotContainAnyElementsOf(received.keySet());
		int duplicates = received.values().stream().mapToInt((count) -> count.get() - 1).sum();
		return summary() + ", received " + received.size() + ", duplicates " + duplicates;
	}

	private void record(String id, long start, Throwable failure) {
		long end = System.nanoTime();
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		Outcome outcome = (cause == null) ? Outcome.CONFIRMED
				: (cause instanceof MessageNotPublishedException) ? Outcome.NOT_PUBLISHED
						: (cause instanceof PublishOutcomeUnknownException) ? Outcome.UNKNOWN : Outcome.OTHER;
		this.publishes.put(id, new Publish(id, start, end, outcome, (cause != null) ? cause.toString() : ""));
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
