package dev.switchboard.autoconfigure.client.rest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.AbstractStreamingClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.StreamUtils;
import org.springframework.util.StringUtils;

/**
 * A request of {@link JdkBlockingClientHttpRequestFactory}: sent with the blocking {@link HttpClient#send}.
 *
 * @author Switchboard
 */
final class JdkBlockingClientHttpRequest extends AbstractStreamingClientHttpRequest {

	/**
	 * The headers the JDK client refuses unless {@code jdk.httpclient.allowRestrictedHeaders} allows them, left out
	 * as Spring's {@code JdkClientHttpRequest} leaves them out (the client sets them itself).
	 */
	private static final Set<String> DISALLOWED_HEADERS = disallowedHeaders();

	private final HttpClient httpClient;

	private final URI uri;

	private final HttpMethod method;

	private final @Nullable Duration timeout;

	JdkBlockingClientHttpRequest(HttpClient httpClient, URI uri, HttpMethod method, @Nullable Duration timeout) {
		this.httpClient = httpClient;
		this.uri = uri;
		this.method = method;
		this.timeout = timeout;
	}

	@Override
	public HttpMethod getMethod() {
		return this.method;
	}

	@Override
	public URI getURI() {
		return this.uri;
	}

	@Override
	protected ClientHttpResponse executeInternal(HttpHeaders headers, @Nullable Body body) throws IOException {
		HttpRequest request = buildRequest(headers, body);
		long start = System.nanoTime();
		HttpResponse<InputStream> response;
		try {
			response = this.httpClient.send(request, BodyHandlers.ofInputStream());
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Request was interrupted: " + ex.getMessage(), ex);
		}
		Duration bodyTimeout = (this.timeout != null)
				? this.timeout.minusNanos(System.nanoTime() - start) : null;
		return new JdkBlockingClientHttpResponse(response, bodyTimeout);
	}

	private HttpRequest buildRequest(HttpHeaders headers, @Nullable Body body) throws IOException {
		HttpRequest.Builder builder = HttpRequest.newBuilder().uri(this.uri);
		if (this.timeout != null) {
			// The JDK's own timer, on its selector thread: it ends when the response headers arrive.
			builder.timeout(this.timeout);
		}
		headers.forEach((name, values) -> {
			if (!DISALLOWED_HEADERS.contains(name)) {
				for (String value : values) {
					builder.header(name, (value != null) ? value : "");
				}
			}
		});
		if (body != null) {
			return builder.method(this.method.name(), bodyPublisher(headers, body)).build();
		}
		if (this.method == HttpMethod.GET) {
			return builder.GET().build();
		}
		if (this.method == HttpMethod.DELETE) {
			return builder.DELETE().build();
		}
		return builder.method(this.method.name(), BodyPublishers.noBody()).build();
	}

	private static BodyPublisher bodyPublisher(HttpHeaders headers, Body body) throws IOException {
		long contentLength = headers.getContentLength();
		if (contentLength == 0) {
			return BodyPublishers.noBody();
		}
		// Written here, on the calling thread, rather than streamed through a publisher that another thread feeds.
		Buffer buffer = new Buffer((contentLength > 0 && contentLength < Integer.MAX_VALUE) ? (int) contentLength : 256);
		body.writeTo(StreamUtils.nonClosing(buffer));
		return buffer.publisher();
	}

	private static Set<String> disallowedHeaders() {
		Set<String> headers = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		headers.addAll(Set.of("connection", "content-length", "expect", "host", "upgrade"));
		String allowed = System.getProperty("jdk.httpclient.allowRestrictedHeaders");
		if (allowed != null) {
			headers.removeAll(StringUtils.commaDelimitedListToSet(allowed));
		}
		return Collections.unmodifiableSet(headers);
	}

	/**
	 * A body buffer that hands its array to the publisher without the copy of {@code toByteArray()}.
	 */
	private static final class Buffer extends ByteArrayOutputStream {

		Buffer(int size) {
			super(size);
		}

		BodyPublisher publisher() {
			return BodyPublishers.ofByteArray(this.buf, 0, this.count);
		}

	}

}
