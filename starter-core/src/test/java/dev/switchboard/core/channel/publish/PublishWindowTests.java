package dev.switchboard.core.channel.publish;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.ChannelPublishException;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageNotPublishedException;
import dev.switchboard.core.channel.PublishOutcomeUnknownException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PublishWindow} and {@link PendingPublish}: the outcome a publisher sees is always true.
 */
class PublishWindowTests {

	private static final ChannelDestination ORDERS = ChannelDestination.of("orders");

	private static final Duration SHORT = Duration.ofMillis(100);

	private final PublishWindow window = new PublishWindow("test", 2);

	@AfterEach
	void close() {
		this.window.close();
	}

	@Test
	void confirmedPublishCompletesAndGivesItsPlaceBack() throws Exception {
		PendingPublish publish = this.window.open(ORDERS, message("m1"), Duration.ofSeconds(5));
		assertThat(publish.startAttempt()).isTrue();
		publish.handedOver();
		publish.confirmed();
		assertThat(publish.future().get(1, TimeUnit.SECONDS)).isNull();
		assertThat(this.window.pending()).isEqualTo(1);
		publish.release();
		publish.release();
		assertThat(this.window.pending()).isZero();
	}

	@Test
	void publishNeverHandedOverIsWithdrawnAtItsDeadlineAndNeverSentLater() {
		PendingPublish publish = this.window.open(ORDERS, message("m1"), SHORT);
		MessageNotPublishedException failure = failure(publish.future(), MessageNotPublishedException.class);
		assertThat(failure.getMessageId()).isEqualTo("m1");
		assertThat(failure).hasMessageContaining("withdrawn").hasMessageContaining("100 ms");
		assertThat(publish.startAttempt()).as("the binder may not send it any more").isFalse();
	}

	@Test
	void publishHandedOverAndNotAcknowledgedHasAnUnknownOutcomeAtItsDeadline() {
		PendingPublish publish = this.window.open(ORDERS, message("m1"), SHORT);
		publish.startAttempt();
		publish.handedOver();
		PublishOutcomeUnknownException failure = failure(publish.future(), PublishOutcomeUnknownException.class);
		assertThat(failure.getMessageId()).isEqualTo("m1");
		assertThat(failure).hasMessageContaining("outcome unknown");
	}

	@Test
	void publishBeingWrittenAtItsDeadlineHasAnUnknownOutcome() {
		PendingPublish publish = this.window.open(ORDERS, message("m1"), SHORT);
		publish.startAttempt();
		failure(publish.future(), PublishOutcomeUnknownException.class);
	}

	@Test
	void earlierAttemptThatMayHaveReachedTheBrokerKeepsTheOutcomeUnknown() {
		PendingPublish publish = this.window.open(ORDERS, message("m1"), SHORT);
		publish.startAttempt();
		publish.handedOver();
		assertThat(publish.attemptFailed(new IllegalStateException("connection lost"))).isTrue();
		assertThat(publish.startAttempt()).isTrue();
		assertThat(publish.notHandedOver(new IllegalStateException("channel closed"))).isTrue();
		PublishOutcomeUnknownException failure = failure(publish.future(), PublishOutcomeUnknownException.class);
		assertThat(failure).hasMessageContaining("channel closed");
	}

	@Test
	void attemptRefusedByTheBrokerLeavesTheMessageNotPublished() {
		// Long enough that the deadline cannot fall between the hand-over and the refusal on a loaded machine.
		PendingPublish publish = this.window.open(ORDERS, message("m1"), Duration.ofMillis(750));
		publish.startAttempt();
		publish.handedOver();
		publish.refused(new IllegalStateException("unroutable"));
		failure(publish.future(), MessageNotPublishedException.class);
	}

	@Test
	void rejectedBeforeAnyHandOverFailsAtOnceAsNotPublished() {
		PendingPublish publish = this.window.open(ORDERS, message("m1"), Duration.ofSeconds(30));
		publish.startAttempt();
		publish.notHandedOver(new IllegalStateException("too large"));
		publish.rejected("the producer did not take the record", null);
		assertThat(publish.isDone()).isTrue();
		assertThat(failure(publish.future(), MessageNotPublishedException.class)).hasMessageContaining("too large");
	}

	@Test
	void fullWindowFailsFurtherPublishesAtOnceUntilAPlaceIsReleased() {
		PendingPublish first = this.window.open(ORDERS, message("m1"), Duration.ofSeconds(30));
		this.window.open(ORDERS, message("m2"), Duration.ofSeconds(30));
		PendingPublish third = this.window.open(ORDERS, message("m3"), Duration.ofSeconds(30));
		assertThat(third.isDone()).isTrue();
		assertThat(failure(third.future(), MessageNotPublishedException.class)).hasMessageContaining("max-pending");
		// A failed publish never held a place: releasing it gives nothing back.
		third.release();
		assertThat(this.window.pending()).isEqualTo(2);
		first.confirmed();
		assertThat(this.window.pending()).as("still held by the transport").isEqualTo(2);
		first.release();
		assertThat(this.window.open(ORDERS, message("m4"), Duration.ofSeconds(30)).isDone()).isFalse();
	}

	@Test
	void placeIsHeldPastTheDeadlineUntilTheTransportLetsGo() {
		PendingPublish publish = this.window.open(ORDERS, message("m1"), SHORT);
		publish.startAttempt();
		publish.handedOver();
		failure(publish.future(), PublishOutcomeUnknownException.class);
		assertThat(this.window.pending()).isEqualTo(1);
		publish.confirmed();
		assertThat(publish.future()).isCompletedExceptionally();
		publish.release();
		assertThat(this.window.pending()).isZero();
	}

	@Test
	void closingFailsOpenPublishesWithTheirTrueOutcome() {
		PendingPublish queued = this.window.open(ORDERS, message("m1"), Duration.ofSeconds(30));
		PendingPublish sent = this.window.open(ORDERS, message("m2"), Duration.ofSeconds(30));
		sent.startAttempt();
		sent.handedOver();
		this.window.close();
		failure(queued.future(), MessageNotPublishedException.class);
		failure(sent.future(), PublishOutcomeUnknownException.class);
		assertThat(failure(this.window.open(ORDERS, message("m3"), SHORT).future(),
				MessageNotPublishedException.class)).hasMessageContaining("closed");
	}

	@Test
	void publishesOfDifferentTimeoutsExpireEachAtItsOwnDeadlineNeverBefore() throws Exception {
		PublishWindow window = new PublishWindow("lanes", 10);
		try {
			long openedAt = System.nanoTime();
			PendingPublish slow = window.open(ORDERS, message("slow"), Duration.ofSeconds(30));
			// A shorter timeout than the lane opened first: its deadline comes before the thread's planned wake-up.
			PendingPublish fast = window.open(ORDERS, message("fast"), Duration.ofMillis(150));
			CompletableFuture<Long> fastFailedAt = fast.future().handle((ignored, failure) -> System.nanoTime());
			failure(fast.future(), MessageNotPublishedException.class);
			assertThat(fastFailedAt.get(1, TimeUnit.SECONDS) - openedAt).as("expired no earlier than its deadline")
				.isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150));
			assertThat(slow.future()).isNotDone();
			// Behind a completed publish of its lane, a later one still expires at its own deadline.
			PendingPublish confirmed = window.open(ORDERS, message("confirmed"), SHORT);
			PendingPublish unconfirmed = window.open(ORDERS, message("unconfirmed"), SHORT);
			confirmed.startAttempt();
			confirmed.handedOver();
			confirmed.confirmed();
			unconfirmed.startAttempt();
			unconfirmed.handedOver();
			failure(unconfirmed.future(), PublishOutcomeUnknownException.class);
			assertThat(confirmed.future().get(1, TimeUnit.SECONDS)).isNull();
		}
		finally {
			window.close();
		}
	}

	@Test
	void publishOpenedWhileTheWindowClosesIsFailedNotLeftOpen() throws Exception {
		PublishWindow window = new PublishWindow("closing", 10_000);
		List<PendingPublish> opened = new CopyOnWriteArrayList<>();
		Thread publisher = new Thread(() -> {
			for (int i = 0; i < 5_000; i++) {
				opened.add(window.open(ORDERS, message("m" + i), Duration.ofSeconds(30)));
			}
		});
		publisher.start();
		window.close();
		publisher.join(10_000);
		assertThat(opened).hasSize(5_000)
			.allSatisfy((publish) -> assertThat(publish.future()).isCompletedExceptionally());
	}

	@Test
	void rejectsNonPositiveTimeouts() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.window.open(ORDERS, message("m1"), Duration.ZERO))
			.withMessageContaining("PT0S");
	}

	private static Message message(String id) {
		return Message.builder("payload").id(id).build();
	}

	private static <T extends ChannelPublishException> T failure(CompletableFuture<Void> future, Class<T> type) {
		try {
			future.get(5, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			assertThat(ex.getCause()).isInstanceOf(type);
			return type.cast(ex.getCause());
		}
		catch (Exception ex) {
			throw new AssertionError("publish did not fail by its deadline", ex);
		}
		throw new AssertionError("publish did not fail");
	}

}
