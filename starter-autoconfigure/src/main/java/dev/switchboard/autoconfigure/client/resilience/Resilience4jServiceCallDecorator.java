package dev.switchboard.autoconfigure.client.resilience;

import java.io.InterruptedIOException;
import java.lang.reflect.Method;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.client.ClientSettings;
import dev.switchboard.autoconfigure.client.ServiceCallDecorator;
import dev.switchboard.autoconfigure.client.rest.ServiceCallTimeoutException;

import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.ResourceAccessException;

/**
 * Guards each client call with the Resilience4j instances named after the client, as switched on by
 * {@code switchboard.clients.<name>.resilience.*} and tuned by Resilience4j's own
 * {@code resilience4j.<policy>.instances.<name>.*}. Order, outermost first: rate limiter, bulkhead, time
 * limiter, circuit breaker.
 * <p>
 * The circuit breaker is fed by hand rather than through {@code CircuitBreaker.decorate*}: a 4xx answer means
 * the instance works and the request was wrong, so it counts as a success.
 *
 * @author Switchboard
 */
public final class Resilience4jServiceCallDecorator implements ServiceCallDecorator {

	private final CircuitBreakerRegistry circuitBreakers;

	private final BulkheadRegistry bulkheads;

	private final RateLimiterRegistry rateLimiters;

	private final TimeLimiterRegistry timeLimiters;

	private final Executor timeLimiterExecutor;

	/**
	 * Creates the decorator.
	 * @param circuitBreakers the circuit breaker registry
	 * @param bulkheads the bulkhead registry
	 * @param rateLimiters the rate limiter registry
	 * @param timeLimiters the time limiter registry
	 * @param timeLimiterExecutor runs calls under a time limiter
	 */
	public Resilience4jServiceCallDecorator(CircuitBreakerRegistry circuitBreakers, BulkheadRegistry bulkheads,
			RateLimiterRegistry rateLimiters, TimeLimiterRegistry timeLimiters, Executor timeLimiterExecutor) {
		this.circuitBreakers = circuitBreakers;
		this.bulkheads = bulkheads;
		this.rateLimiters = rateLimiters;
		this.timeLimiters = timeLimiters;
		this.timeLimiterExecutor = timeLimiterExecutor;
	}

	@Override
	public @Nullable Object invoke(ClientSettings client, Method method, Call call) throws Throwable {
		ClientSettings.ResilienceSettings switches = client.resilience();
		Call guarded = call;
		if (switches.circuitBreaker()) {
			guarded = circuitBroken(this.circuitBreakers.circuitBreaker(client.name()), guarded);
		}
		if (switches.timeLimiter()) {
			guarded = timeLimited(client, method, this.timeLimiters.timeLimiter(client.name()), guarded);
		}
		if (switches.bulkhead()) {
			guarded = bulkheaded(this.bulkheads.bulkhead(client.name()), guarded);
		}
		if (switches.rateLimiter()) {
			guarded = rateLimited(this.rateLimiters.rateLimiter(client.name()), guarded);
		}
		return guarded.proceed();
	}

	private static Call circuitBroken(CircuitBreaker breaker, Call call) {
		return () -> {
			breaker.acquirePermission();
			long start = breaker.getCurrentTimestamp();
			try {
				Object result = call.proceed();
				breaker.onResult(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), result);
				return result;
			}
			catch (HttpClientErrorException ex) {
				breaker.onSuccess(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit());
				throw ex;
			}
			catch (Throwable ex) {
				breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), ex);
				throw ex;
			}
		};
	}

	private Call timeLimited(ClientSettings client, Method method, TimeLimiter limiter, Call call) {
		return () -> {
			// A FutureTask rather than a CompletableFuture: the time limiter cancels it on timeout, and cancelling a
			// FutureTask interrupts the call, which stops its retries and backoff.
			FutureTask<Object> task = new FutureTask<>(() -> {
				try {
					return call.proceed();
				}
				catch (Exception | Error ex) {
					throw ex;
				}
				catch (Throwable ex) {
					throw new CompletionException(ex);
				}
			});
			try {
				this.timeLimiterExecutor.execute(task);
			}
			catch (RejectedExecutionException ex) {
				throw new ResourceAccessException("Call of " + method.getName() + " on client '" + client.name()
						+ "' refused: every thread of the call executor is busy (switchboard.call-executor.max-threads)",
						new InterruptedIOException(ex.getMessage()));
			}
			try {
				return limiter.executeFutureSupplier(() -> task);
			}
			catch (TimeoutException ex) {
				// A checked TimeoutException would reach the caller as UndeclaredThrowableException: report it the
				// way a read timeout is reported.
				InterruptedIOException cause = new InterruptedIOException(ex.getMessage());
				cause.initCause(ex);
				throw new ServiceCallTimeoutException("Call of " + method.getName() + " on client '" + client.name()
						+ "' did not complete within its time limiter's "
						+ limiter.getTimeLimiterConfig().getTimeoutDuration().toMillis() + "ms", cause);
			}
			catch (ExecutionException | CompletionException ex) {
				Throwable cause = ex.getCause();
				if (cause instanceof CompletionException && cause.getCause() != null) {
					cause = cause.getCause();
				}
				throw (cause != null) ? cause : ex;
			}
		};
	}

	private static Call bulkheaded(Bulkhead bulkhead, Call call) {
		return () -> {
			bulkhead.acquirePermission();
			try {
				return call.proceed();
			}
			finally {
				bulkhead.onComplete();
			}
		};
	}

	private static Call rateLimited(RateLimiter limiter, Call call) {
		return () -> {
			RateLimiter.waitForPermission(limiter);
			return call.proceed();
		};
	}

	@Override
	public String toString() {
		return "Resilience4jServiceCallDecorator";
	}

}
