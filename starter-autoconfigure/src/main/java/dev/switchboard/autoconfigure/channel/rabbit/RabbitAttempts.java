package dev.switchboard.autoconfigure.channel.rabbit;

import java.time.Duration;
import java.util.function.Consumer;

import com.rabbitmq.client.ShutdownSignalException;
import dev.switchboard.core.channel.publish.PendingPublish;
import dev.switchboard.core.channel.publish.PublishWindow;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Turns the outcome of each publish attempt into the publish's outcome: confirmed, or retried with backoff while
 * its deadline and the configured attempts allow, or failed ({@link PendingPublish} decides between not published
 * and unknown). Neither RabbitMQ's client nor Spring AMQP retries a publish. A return or a nack of a publication
 * that does not retry refusals (a request, whose requester wants to know before its timeout) fails it at once.
 * <p>
 * The broker's answers arrive on the connection's thread while the publishing thread may still be marking the
 * attempt handed over: each answer waits for that on the publication's monitor, which the publishing thread holds
 * while it writes.
 *
 * @author Switchboard
 */
final class RabbitAttempts implements RabbitConfirms.Outcomes {

	private static final Log logger = LogFactory.getLog(RabbitAttempts.class);

	private final RabbitTopology topology;

	private final PublishWindow window;

	private final int maxAttempts;

	private final BackOff backOff;

	private final Consumer<RabbitPublication> requeue;

	private volatile boolean closed;

	RabbitAttempts(RabbitTopology topology, PublishWindow window, int maxAttempts, BackOff backOff,
			Consumer<RabbitPublication> requeue) {
		this.topology = topology;
		this.window = window;
		this.maxAttempts = maxAttempts;
		this.backOff = backOff;
		this.requeue = requeue;
	}

	@Override
	public void acked(RabbitPublication publication) {
		synchronized (publication) {
			PendingPublish pending = publication.pending();
			String returned = publication.returned();
			if (returned == null) {
				pending.confirmed();
				pending.release();
			}
			else {
				// Returned, then acknowledged: the broker took it and routed it nowhere.
				refused(publication, pending.refused(unroutable(publication, returned)));
			}
		}
	}

	@Override
	public void nacked(RabbitPublication publication) {
		synchronized (publication) {
			// The broker may have the message all the same.
			refused(publication, publication.pending()
				.attemptFailed(new IllegalStateException("not confirmed: nacked by the broker")));
		}
	}

	@Override
	public void lost(RabbitPublication publication, ShutdownSignalException cause) {
		synchronized (publication) {
			// The exchange may have been deleted (a 404 closes the channel) or lost with the broker: declare it again.
			this.topology.forget(publication.exchange());
			String returned = publication.returned();
			PendingPublish pending = publication.pending();
			if (returned != null) {
				refused(publication, pending.refused(unroutable(publication, returned)));
			}
			else {
				retryOrReject(publication, pending.attemptFailed(cause), cause);
			}
		}
	}

	private static IllegalStateException unroutable(RabbitPublication publication, String returned) {
		return new IllegalStateException("unroutable: returned by the broker (" + returned
				+ "); no queue is bound to exchange '" + publication.exchange() + "'");
	}

	/** The broker answered a return or a nack: retried, unless the publisher wants to know at once. */
	private void refused(RabbitPublication publication, boolean mayRetry) {
		if (publication.retryRefusals() || !mayRetry) {
			retryOrReject(publication, mayRetry, null);
			return;
		}
		PendingPublish pending = publication.pending();
		pending.rejected("refused by the broker, not retried", null);
		pending.release();
	}

	/**
	 * Retries a failed attempt after its backoff, or fails the publish.
	 * @param publication the publication
	 * @param mayRetry what the publish answered to the failure: {@code false} once its deadline passed
	 * @param failure the failure
	 */
	void retryOrReject(RabbitPublication publication, boolean mayRetry, @Nullable Throwable failure) {
		PendingPublish pending = publication.pending();
		if (this.closed) {
			pending.rejected("the binder was closed", failure);
			pending.release();
			return;
		}
		if (!mayRetry) {
			// The deadline passed: the window reports the outcome.
			pending.release();
			return;
		}
		long delay = (pending.attempts() >= this.maxAttempts) ? BackOffExecution.STOP
				: publication.nextBackOff(this.backOff);
		if (delay == BackOffExecution.STOP) {
			pending.rejected("not confirmed after " + pending.attempts() + " attempts", failure);
			pending.release();
			return;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Publish attempt " + pending.attempts() + " of " + pending + " failed, retrying in " + delay
					+ " ms: " + failure);
		}
		// On the window's thread, never on the connection's thread that must not publish.
		if (!this.window.schedule(() -> this.requeue.accept(publication), Duration.ofMillis(delay))) {
			pending.rejected("the binder was closed", failure);
			pending.release();
		}
	}

	/** Later failures fail their publishes without retries. */
	void close() {
		this.closed = true;
	}

}
