package dev.switchboard.core.call;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Attempts of one hedged call racing each other on the call executor. The first useful answer decides the call;
 * a retryable failure decides it only when no other attempt is still running; an attempt that throws (an
 * {@link Error} included) decides it with its exception. Attempts that finish after the decision are discarded
 * (their response closed so the connection goes back to the pool), and running losers are interrupted.
 * <p>
 * Every wait has a deadline, and starting an attempt never waits: the executor refuses it at once when all its
 * threads are busy, and the caller goes on without it.
 *
 * @param <R> the response type
 * @author Switchboard
 */
final class HedgeRace<R> {

	private final CompletableFuture<Attempt<R>> decided = new CompletableFuture<>();

	private final List<Thread> runners = new ArrayList<>(2);

	private final List<ServiceInstance> instances = new ArrayList<>(2);

	private final CallListener listener;

	private final Predicate<Attempt<R>> retryable;

	private final Consumer<Attempt<R>> discard;

	private int running;

	HedgeRace(CallListener listener, Predicate<Attempt<R>> retryable, Consumer<Attempt<R>> discard) {
		this.listener = listener;
		this.retryable = retryable;
		this.discard = discard;
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
	boolean start(Executor executor, Supplier<Attempt<R>> attempt) {
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

	private void run(Supplier<Attempt<R>> attempt) {
		synchronized (this) {
			if (this.decided.isDone()) {
				this.running--;
				this.listener.cancelled();
				return;
			}
			this.runners.add(Thread.currentThread());
		}
		Attempt<R> result;
		try {
			result = attempt.get();
		}
		catch (Throwable ex) {
			failed(ex);
			return;
		}
		finished(result);
	}

	private void finished(Attempt<R> result) {
		boolean keep = true;
		synchronized (this) {
			this.running--;
			this.runners.remove(Thread.currentThread());
			this.instances.add(result.instance());
			if (this.decided.isDone()) {
				keep = false;
			}
			else if (!this.retryable.test(result) || this.running == 0) {
				this.decided.complete(result);
				this.runners.forEach(Thread::interrupt);
			}
		}
		// Clear an interrupt aimed at this attempt so the pooled thread starts its next task clean.
		Thread.interrupted();
		if (!keep) {
			this.listener.cancelled();
			this.discard.accept(result);
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
	 * @param interrupted the exception to throw if the waiting thread is interrupted
	 * @return the deciding attempt, or {@code null} if the deadline passed first
	 * @throws Error or RuntimeException an attempt threw
	 */
	@Nullable Attempt<R> await(long deadlineNanos, Supplier<RuntimeException> interrupted) {
		try {
			return this.decided.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException | CancellationException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			abandon();
			throw interrupted.get();
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

}
