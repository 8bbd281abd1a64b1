package dev.switchboard.core.channel.publish;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageNotPublishedException;
import dev.switchboard.core.channel.PublishOutcomeUnknownException;
import org.jspecify.annotations.Nullable;

/**
 * One publish in a {@link PublishWindow}: its message, its deadline and the future its publisher waits on. A
 * binder drives it through its attempts; the outcome the publisher sees is decided here, once, so that it is
 * true whatever the broker does:
 * <ul>
 * <li>{@link #confirmed()}: the broker acknowledged the message;</li>
 * <li>when the deadline passes before an acknowledgement, the publish fails with a
 * {@link MessageNotPublishedException} if no attempt ever handed the message to the broker (the binder then
 * must never send it: {@link #startAttempt()} answers {@code false}), and with a
 * {@link PublishOutcomeUnknownException} otherwise;</li>
 * <li>{@link #rejected(String, Throwable)}: the broker refused the message for good.</li>
 * </ul>
 * Independently of the outcome, the publish holds its place in the window until the binder {@link #release()
 * releases} it, when the transport holds nothing of it any more (the acknowledgement or the failure of its last
 * attempt arrived): a broker that stops acknowledging fills the window, and further publishes fail at once
 * instead of piling up.
 *
 * @author Switchboard
 */
public final class PendingPublish {

	private final PublishWindow window;

	private final ChannelDestination destination;

	private final Message message;

	private final Duration timeout;

	private final long deadlineNanos;

	private final CompletableFuture<Void> future = new CompletableFuture<>();

	// Written once, right after construction, by the opening thread; read on completion.
	private volatile PublishDeadlines.@Nullable Entry deadline;

	private @Nullable Throwable lastFailure;

	// An earlier attempt may have reached the broker.
	private boolean mayHaveBeenPublished;

	// The current attempt is being written.
	private boolean sending;

	// The current attempt was handed over and awaits the broker's answer.
	private boolean inFlight;

	private int attempts;

	private boolean released;

	PendingPublish(PublishWindow window, ChannelDestination destination, Message message, Duration timeout) {
		this.window = window;
		this.destination = destination;
		this.message = message;
		this.timeout = timeout;
		this.deadlineNanos = System.nanoTime() + timeout.toNanos();
	}

	/**
	 * Where the message goes.
	 * @return the destination
	 */
	public ChannelDestination destination() {
		return this.destination;
	}

	/**
	 * The message.
	 * @return the message
	 */
	public Message message() {
		return this.message;
	}

	/**
	 * The future the publisher waits on; completed by the deadline at the latest.
	 * @return the future
	 */
	public CompletableFuture<Void> future() {
		return this.future;
	}

	/**
	 * The time left before the deadline.
	 * @return nanoseconds, zero or negative once the deadline passed
	 */
	public long remainingNanos() {
		return this.deadlineNanos - System.nanoTime();
	}

	/**
	 * The attempts started so far.
	 * @return the count
	 */
	public synchronized int attempts() {
		return this.attempts;
	}

	/**
	 * Whether the publish has its outcome (confirmed, failed, or timed out).
	 * @return whether the future is done
	 */
	public boolean isDone() {
		return this.future.isDone();
	}

	/**
	 * Starts an attempt: call it right before handing the message to the broker's client.
	 * @return {@code true} to send the message; {@code false} when the publish already has its outcome (its
	 * deadline passed): the message must not be sent, and the binder must {@link #release()} it
	 */
	public synchronized boolean startAttempt() {
		if (this.future.isDone()) {
			return false;
		}
		this.sending = true;
		this.attempts++;
		return true;
	}

	/**
	 * The broker's client took the message of the current attempt (written to the connection, or queued by the
	 * client for sending): from now on it may reach the broker, until the broker answers.
	 */
	public synchronized void handedOver() {
		this.sending = false;
		this.inFlight = true;
	}

	/**
	 * The current attempt failed before its message was handed over (the client threw because the connection was
	 * closed, a declaration failed): nothing reached the broker. Another attempt may follow while time is left.
	 * @param failure the failure
	 * @return {@code true} when another attempt may follow
	 */
	public synchronized boolean notHandedOver(Throwable failure) {
		this.sending = false;
		this.lastFailure = failure;
		return !this.future.isDone() && remainingNanos() > 0;
	}

	/**
	 * The broker answered that it did not take the message of the current attempt (RabbitMQ returned it as
	 * unroutable): another attempt may follow while time is left.
	 * @param failure the broker's answer
	 * @return {@code true} when another attempt may follow
	 */
	public synchronized boolean refused(Throwable failure) {
		this.sending = false;
		this.inFlight = false;
		this.lastFailure = failure;
		return !this.future.isDone() && remainingNanos() > 0;
	}

	/**
	 * The current attempt failed in a way that leaves the broker possibly holding the message (a negative or
	 * missing acknowledgement, a connection lost after writing): another attempt may follow while time is left,
	 * and the outcome stays unknown if none is acknowledged.
	 * @param failure the failure
	 * @return {@code true} when another attempt may follow
	 */
	public synchronized boolean attemptFailed(Throwable failure) {
		this.sending = false;
		this.inFlight = false;
		this.mayHaveBeenPublished = true;
		this.lastFailure = failure;
		return !this.future.isDone() && remainingNanos() > 0;
	}

	/**
	 * The broker acknowledged the message.
	 */
	public void confirmed() {
		if (this.future.complete(null)) {
			this.window.completed(this);
		}
	}

	/**
	 * The message cannot be published (the broker refused it for good, or no more attempts are allowed): the
	 * publish fails now, as not published if no attempt may have reached the broker, as unknown otherwise.
	 * @param reason what happened, for the exception's message
	 * @param failure the last failure
	 */
	public void rejected(String reason, @Nullable Throwable failure) {
		boolean mayHaveReachedBroker;
		synchronized (this) {
			if (failure != null) {
				this.lastFailure = failure;
			}
			mayHaveReachedBroker = this.mayHaveBeenPublished || this.sending || this.inFlight;
		}
		fail(mayHaveReachedBroker, reason);
	}

	/**
	 * Gives the publish's place in the window back: the transport holds nothing of it any more. Idempotent.
	 */
	public void release() {
		synchronized (this) {
			if (this.released) {
				return;
			}
			this.released = true;
		}
		this.window.released(this);
	}

	/** Marks a publish that never took a place in the window as released. */
	synchronized void releasedWithoutPlace() {
		this.released = true;
	}

	long deadlineNanos() {
		return this.deadlineNanos;
	}

	void deadline(PublishDeadlines.Entry deadline) {
		this.deadline = deadline;
		if (this.future.isDone()) {
			deadline.clear();
		}
	}

	/** Stops the deadline's clock: the publish completed. */
	void clearDeadline() {
		PublishDeadlines.Entry deadline = this.deadline;
		if (deadline != null) {
			deadline.clear();
		}
	}

	/** The deadline passed. */
	void expire() {
		boolean mayHaveReachedBroker;
		synchronized (this) {
			if (this.future.isDone()) {
				return;
			}
			mayHaveReachedBroker = this.mayHaveBeenPublished || this.sending || this.inFlight;
		}
		fail(mayHaveReachedBroker, mayHaveReachedBroker
				? "not acknowledged within its publish deadline of " + this.timeout.toMillis() + " ms"
				: "withdrawn, not handed to the broker within its publish deadline of " + this.timeout.toMillis()
						+ " ms; it will not be sent");
	}

	void fail(boolean mayHaveReachedBroker, String reason) {
		Throwable cause;
		synchronized (this) {
			cause = this.lastFailure;
		}
		String what = "Message " + this.message.getId() + " to " + this.destination + " on binder '"
				+ this.window.binder() + "'";
		RuntimeException failure = mayHaveReachedBroker
				? new PublishOutcomeUnknownException(what + ": outcome unknown, " + reason
						+ ((cause != null) ? "; last failure: " + cause : ""), this.message.getId(), cause)
				: new MessageNotPublishedException(what + " was not published: " + reason
						+ ((cause != null) ? "; last failure: " + cause : ""), this.message.getId(), cause);
		if (this.future.completeExceptionally(failure)) {
			this.window.completed(this);
		}
	}

	@Override
	public String toString() {
		return "PendingPublish[" + this.message.getId() + " to " + this.destination + "]";
	}

}
