package dev.switchboard.autoconfigure.client.rest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.StreamUtils;

/**
 * A response of {@link JdkBlockingClientHttpRequestFactory}. Closing it reads the rest of the body and closes the
 * body stream, so the connection goes back to the JDK client's pool.
 *
 * @author Switchboard
 */
final class JdkBlockingClientHttpResponse implements ClientHttpResponse {

	private final HttpResponse<InputStream> response;

	private final HttpHeaders headers;

	private final InputStream body;

	JdkBlockingClientHttpResponse(HttpResponse<InputStream> response, @Nullable Duration bodyTimeout) {
		this.response = response;
		HttpHeaders headers = new HttpHeaders();
		response.headers().map().forEach(headers::addAll);
		this.headers = HttpHeaders.readOnlyHttpHeaders(headers);
		InputStream body = response.body();
		if (body == null) {
			body = InputStream.nullInputStream();
		}
		this.body = (bodyTimeout != null) ? new DeadlineInputStream(body, bodyTimeout) : body;
	}

	@Override
	public HttpStatusCode getStatusCode() {
		return HttpStatusCode.valueOf(this.response.statusCode());
	}

	@Override
	public String getStatusText() {
		HttpStatus status = HttpStatus.resolve(this.response.statusCode());
		return (status != null) ? status.getReasonPhrase() : "";
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.headers;
	}

	@Override
	public InputStream getBody() {
		return this.body;
	}

	@Override
	public void close() {
		try {
			try {
				StreamUtils.drain(this.body);
			}
			finally {
				this.body.close();
			}
		}
		catch (IOException ex) {
			// Nothing to do: the connection is not reused.
		}
	}

	/**
	 * The body, closed if it is not read and closed before the read timeout; a read then fails with the
	 * {@link HttpTimeoutException} Switchboard classifies as a timeout. The JDK's request timeout stops at the
	 * response headers, and a body read blocks without a limit of its own. The timer is
	 * {@code CompletableFuture}'s single delayer thread, as in Spring's {@code JdkClientHttpRequest}: it
	 * schedules, and cancels on close, without starting a thread per call.
	 */
	private static final class DeadlineInputStream extends FilterInputStream {

		private final CompletableFuture<@Nullable Void> deadline;

		private volatile boolean expired;

		DeadlineInputStream(InputStream body, Duration timeout) {
			super(body);
			this.deadline = new CompletableFuture<@Nullable Void>().completeOnTimeout(null,
					Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
			this.deadline.thenRun(this::expire);
		}

		private void expire() {
			this.expired = true;
			try {
				this.in.close();
			}
			catch (IOException ex) {
				// The reader sees the timeout.
			}
		}

		@Override
		public int read() throws IOException {
			try {
				return super.read();
			}
			catch (IOException ex) {
				throw translate(ex);
			}
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			try {
				return super.read(b, off, len);
			}
			catch (IOException ex) {
				throw translate(ex);
			}
		}

		@Override
		public long skip(long n) throws IOException {
			try {
				return super.skip(n);
			}
			catch (IOException ex) {
				throw translate(ex);
			}
		}

		private IOException translate(IOException ex) {
			if (!this.expired) {
				return ex;
			}
			HttpTimeoutException timeout = new HttpTimeoutException(
					"Response body not read within the read timeout");
			timeout.initCause(ex);
			return timeout;
		}

		@Override
		public void close() throws IOException {
			this.deadline.cancel(false);
			super.close();
		}

	}

}
