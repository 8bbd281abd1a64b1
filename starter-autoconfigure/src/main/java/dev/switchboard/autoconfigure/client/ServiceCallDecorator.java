package dev.switchboard.autoconfigure.client;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

/**
 * Wraps every call of a service client method, outside retries and hedging: the place for circuit breakers,
 * bulkheads, rate limiters and time limiters. Implementations are beans; the Resilience4j one is
 * auto-configured when Resilience4j is on the classpath.
 *
 * @author Switchboard
 */
@FunctionalInterface
public interface ServiceCallDecorator {

	/**
	 * Makes the call, guarded.
	 * @param client the client's settings
	 * @param method the interface method called
	 * @param call makes the actual call
	 * @return the call's result
	 * @throws Throwable the call's failure, or the guard's refusal
	 */
	@Nullable Object invoke(ClientSettings client, Method method, Call call) throws Throwable;

	/**
	 * The guarded call.
	 */
	@FunctionalInterface
	interface Call {

		/**
		 * Makes the call.
		 * @return its result
		 * @throws Throwable its failure
		 */
		@Nullable Object proceed() throws Throwable;

	}

}
