package dev.switchboard.autoconfigure.client.rest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.AbstractClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Runs Switchboard's call pipeline (propagated headers, then discovery, balancing, retries and hedging) as the
 * request factory of a service client's group rather than as {@link ClientHttpRequestInterceptor}s on its
 * {@code RestClient}. A {@code RestClient} without interceptors uses its factory directly, which spares every call
 * Spring's intercepting request (its chain built per call, headers and attributes copied once more): measured
 * alone, one no-op interceptor adds 5% to a loopback call (docs/benchmarks.md). Interceptors the application adds
 * still run, before this pipeline.
 *
 * @author Switchboard
 */
final class ServiceCallRequestFactory implements ClientHttpRequestFactory {

	private static final byte[] NO_BODY = new byte[0];

	private final ClientHttpRequestFactory transport;

	private final List<ClientHttpRequestInterceptor> pipeline;

	ServiceCallRequestFactory(ClientHttpRequestFactory transport, List<ClientHttpRequestInterceptor> pipeline) {
		this.transport = transport;
		this.pipeline = List.copyOf(pipeline);
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
		return new ServiceCallRequest(uri, httpMethod);
	}

	private ClientHttpResponse execute(int index, HttpRequest request, byte[] body) throws IOException {
		if (index < this.pipeline.size()) {
			return this.pipeline.get(index)
				.intercept(request, body, (next, nextBody) -> execute(index + 1, next, nextBody));
		}
		// The end of the pipeline: one attempt on the transport (called again for each retry or hedge).
		ClientHttpRequest attempt = this.transport.createRequest(request.getURI(), request.getMethod());
		attempt.getHeaders().putAll(request.getHeaders());
		if (body.length > 0) {
			if (attempt instanceof StreamingHttpOutputMessage streaming) {
				streaming.setBody(new StreamingHttpOutputMessage.Body() {
					@Override
					public void writeTo(OutputStream outputStream) throws IOException {
						outputStream.write(body);
					}

					@Override
					public boolean repeatable() {
						return true;
					}
				});
			}
			else {
				attempt.getBody().write(body);
			}
		}
		return attempt.execute();
	}

	@Override
	public String toString() {
		return "ServiceCallRequestFactory[" + this.pipeline + " -> " + this.transport + "]";
	}

	/**
	 * A request whose body is buffered, so the pipeline can send it again on another instance. Not Spring's
	 * {@code AbstractBufferingClientHttpRequest}: that one allocates its buffer for every request and adds
	 * {@code Content-Length: 0} to every GET, a header the raw client does not send and every attempt then copies
	 * (the largest header allocation of the call in a profile of the overhead benchmark).
	 */
	private final class ServiceCallRequest extends AbstractClientHttpRequest {

		private final URI uri;

		private final HttpMethod method;

		private @Nullable ByteArrayOutputStream body;

		ServiceCallRequest(URI uri, HttpMethod method) {
			this.uri = uri;
			this.method = method;
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
		protected OutputStream getBodyInternal(HttpHeaders headers) {
			if (this.body == null) {
				this.body = new ByteArrayOutputStream(256);
			}
			return this.body;
		}

		@Override
		protected ClientHttpResponse executeInternal(HttpHeaders headers) throws IOException {
			byte[] bytes = (this.body != null) ? this.body.toByteArray() : NO_BODY;
			// As Spring's buffering request does, except on a GET or HEAD without a body.
			boolean bodiless = bytes.length == 0 && (this.method == HttpMethod.GET || this.method == HttpMethod.HEAD);
			if (!bodiless && headers.getContentLength() < 0) {
				headers.setContentLength(bytes.length);
			}
			return ServiceCallRequestFactory.this.execute(0, this, bytes);
		}

	}

}
