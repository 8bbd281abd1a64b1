package dev.switchboard.autoconfigure.client.rest;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.util.Assert;

/**
 * A request factory over the JDK {@link HttpClient} that sends with the blocking {@link HttpClient#send}, used for
 * service clients when {@code spring.http.clients.imperative.factory=jdk}.
 * <p>
 * Why not Spring's {@code JdkClientHttpRequestFactory}: in Spring Framework 7.0 it always calls
 * {@link HttpClient#sendAsync}, and for {@code sendAsync} the JDK client runs the exchange on the client's executor
 * and then moves its completion to {@code CompletableFuture}'s default executor
 * ({@code HttpClientImpl.sendAsync} -> {@code whenCompleteAsync(..., ASYNC_POOL)}), which no setting of Spring's
 * factory or of the {@code HttpClient} changes. On Java 17 to 24 with at most 2 CPUs (common pool parallelism 1)
 * that executor starts a new thread per task: a JFR recording counted 37,205 thread starts in 10 s of one
 * {@code RestClient}. Measured beside Spring's factory on a 2-CPU machine (docs/benchmarks.md), this one made about
 * twice the calls/s at about half the CPU per call on Java 17, and about 1.5x at three quarters of the CPU on Java 25
 * (which starts no thread but still hops). The blocking {@code send} runs the exchange on the calling thread
 * until it waits for the selector, and hops to no other executor.
 * <p>
 * The request body is buffered and sent with its length (Spring's streams it through a publisher fed by another
 * thread, a hop this factory exists to avoid); headers are mapped as Spring's factory maps them; the read timeout
 * bounds the wait for the response headers (the JDK's request timeout) and the reading of the body, as Spring's
 * does. Response compression (Spring's {@code enableCompression}) is not offered: Spring Boot does not switch it on.
 * Like Spring's, it keeps the JDK client's own retry: a GET or HEAD whose connection closes before any response byte
 * is sent once more on a new connection, which no setting of the client switches off.
 *
 * @author Switchboard
 */
public final class JdkBlockingClientHttpRequestFactory implements ClientHttpRequestFactory {

	private final HttpClient httpClient;

	private final @Nullable Duration readTimeout;

	/**
	 * Creates a factory.
	 * @param httpClient the client that sends the requests
	 * @param readTimeout the time allowed for the response, headers and body, or {@code null} for no limit
	 */
	public JdkBlockingClientHttpRequestFactory(HttpClient httpClient, @Nullable Duration readTimeout) {
		Assert.notNull(httpClient, "'httpClient' must not be null");
		Assert.isTrue(readTimeout == null || (!readTimeout.isNegative() && !readTimeout.isZero()),
				() -> "'readTimeout' must be positive, was " + readTimeout);
		this.httpClient = httpClient;
		this.readTimeout = readTimeout;
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
		return new JdkBlockingClientHttpRequest(this.httpClient, uri, httpMethod, this.readTimeout);
	}

	@Override
	public String toString() {
		return "JdkBlockingClientHttpRequestFactory[readTimeout=" + this.readTimeout + "]";
	}

}
