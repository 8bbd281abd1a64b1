package dev.switchboard.autoconfigure.client.rest;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * Per-method read timeouts. Spring's request factories fix the read timeout when they are built, so a client
 * whose methods have timeouts of their own gets one factory per distinct timeout, and the interceptor names the
 * timeout of the current attempt in a thread-local that {@link Factory#createRequest} reads (the request is
 * created on the thread that runs the attempt, at the end of the interceptor chain).
 *
 * @author Switchboard
 */
final class AttemptTimeout {

	private static final ThreadLocal<@Nullable Duration> current = new ThreadLocal<>();

	private AttemptTimeout() {
	}

	/**
	 * Sets the read timeout of the attempt about to run on this thread.
	 * @param timeout the timeout, or {@code null} for the client's
	 * @return the previous value, to restore afterwards
	 */
	static @Nullable Duration set(@Nullable Duration timeout) {
		Duration previous = current.get();
		if (previous != timeout) {
			// A null value rather than remove(): every call of every client passes here, and removing the entry
			// made the next get() create it again (a profile showed the thread-local map's rehashing per call).
			current.set(timeout);
		}
		return previous;
	}

	/**
	 * A request factory choosing, per request, the factory built for the current attempt's read timeout.
	 */
	static final class Factory implements ClientHttpRequestFactory {

		private final ClientHttpRequestFactory clientDefault;

		private final Function<Duration, ClientHttpRequestFactory> factoryForTimeout;

		private final Map<Duration, ClientHttpRequestFactory> factories = new ConcurrentHashMap<>();

		Factory(ClientHttpRequestFactory clientDefault, Function<Duration, ClientHttpRequestFactory> factoryForTimeout) {
			this.clientDefault = clientDefault;
			this.factoryForTimeout = factoryForTimeout;
		}

		@Override
		public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
			Duration timeout = current.get();
			ClientHttpRequestFactory factory = (timeout != null)
					? this.factories.computeIfAbsent(timeout, this.factoryForTimeout) : this.clientDefault;
			return factory.createRequest(uri, httpMethod);
		}

	}

}
