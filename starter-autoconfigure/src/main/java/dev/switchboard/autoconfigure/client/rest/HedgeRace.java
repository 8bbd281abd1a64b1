package dev.switchboard.autoconfigure.client.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.client.ClientStatistics;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.web.client.ResourceAccessException;

/**
 * Attempts of one hedged call racing each other on the call executor. The first useful answer decides the call;
 * a retryable failure decides it only when no other attempt is still running; an attempt that throws (an
 * {@link Error} included) decides it with its exception. Attempts that finish after the decision close their
 * response so the connection goes back to the pool, and running losers are interrupted.
 * <p>
 * Every wait has a deadline, and starting an attempt never waits: the executor refuses it at once when all its
 * threads are busy, and the caller goes on without it.
 *
 * @param <R> the result of an attempt
 * @author Switchboard
 */
final class HedgeRace<R extends HedgeRace.Entrant> {

	private final CompletableFuture<R> decided = new CompletableFuture<>();

	private final List<Thread> runners = new ArrayList<>(2);

	private final List<ServiceInstance> instances = new ArrayList<>(2);

	private final ClientStatistics statistics;

	private int running;

	HedgeRace(ClientStatistics statistics) {
		this.statistics = statistics;
	}

	/**
	 * The instances whose attempts have finished.
	 * @return the instances
	 */
	synchronized List<ServiceInstance> instances() {
		return List.copyOf(this.instances);
	}

	/**
	 * Starts an attempt on a thread of the executor, if one is free.
	 * @param executor the call executor
	 * @param attempt the attempt
	 * @return whether the attempt was started; {@code false} if the executor refused it
	 */
	boolean start(Executor executor, Supplier<R> attempt) {
		synchronized (this) {
			this.running++;
		}
		try {
			executor.execute(() -> run(attempt));
			return true;
		}
		catch (RejectedExecutionException ex) {
			synchronized (this) {
				this.running--;
			}
			return false;
		}
	}

	private void run(Supplier<R> attempt) {
		synchronized (this) {
			if (this.decided.isDone()) {
				this.running--;
				this.statistics.cancelled();
				return;
			}
			this.runners.add(Thread.currentThread());
		}
		R result;
		try {
			result = attempt.get();
		}
		catch (Throwable ex) {
			failed(ex);
			return;
		}
		finished(result);
	}

	private void finished(R result) {
		boolean keep = true;
		synchronized (this) {
			this.running--;
			this.runners.remove(Thread.currentThread());
			this.instances.add(result.instance());
			if (this.decided.isDone()) {
				keep = false;
			}
			else if (!result.retryable() || this.running == 0) {
				this.decided.complete(result);
				this.runners.forEach(Thread::interrupt);
			}
		}
		// Clear an interrupt aimed at this attempt so the pooled thread starts its next task clean.
		Thread.interrupted();
		if (!keep) {
			this.statistics.cancelled();
			result.discard();
		}
	}

	private void failed(Throwable ex) {
		boolean reported;
		synchronized (this) {
			this.running--;
			this.runners.remove(Thread.currentThread());
			reported = this.decided.completeExceptionally(ex);
			if (reported) {
				this.runners.forEach(Thread::interrupt);
			}
		}
		Thread.interrupted();
		if (!reported && ex instanceof Error error) {
			// The call was already decided: nobody waits for this attempt any more, so the error goes to the
			// thread's uncaught exception handler rather than vanish.
			throw error;
		}
	}

	/**
	 * Waits for the decision until a deadline.
	 * @param deadlineNanos the deadline on the {@link System#nanoTime()} clock
	 * @return the deciding attempt, or {@code null} if the deadline passed first
	 * @throws Error or RuntimeException an attempt threw
	 */
	@Nullable R await(long deadlineNanos) {
		try {
			return this.decided.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			abandon();
			throw new ResourceAccessException("Interrupted while waiting for a hedged service call");
		}
		catch (CancellationException ex) {
			return null;
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof Error error) {
				throw error;
			}
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException("Hedged service call failed unexpectedly", cause);
		}
	}

	/**
	 * Gives up on the race: running attempts are interrupted, and their results discarded when they end.
	 */
	synchronized void abandon() {
		this.decided.cancel(false);
		this.runners.forEach(Thread::interrupt);
	}

	/**
	 * What the race needs to know of an attempt's result.
	 */
	interface Entrant {

		/**
		 * The instance the attempt went to.
		 * @return the instance
		 */
		ServiceInstance instance();

		/**
		 * Whether another attempt may still do better.
		 * @return whether the failure is retryable
		 */
		boolean retryable();

		/**
		 * Drops a response that will not be used, returning its connection.
		 */
		void discard();

	}

}
