package dev.switchboard.autoconfigure.propagation;

import java.io.IOException;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Adds the {@linkplain PropagatedHeaders propagated headers} to outgoing REST calls of service clients. A
 * header the call sets itself (for example with {@code @RequestHeader}) is kept.
 *
 * @author Switchboard
 */
public final class HeaderPropagationInterceptor implements ClientHttpRequestInterceptor {

	private final PropagatedHeaders headers;

	/**
	 * Creates an interceptor.
	 * @param headers the headers to propagate
	 */
	public HeaderPropagationInterceptor(PropagatedHeaders headers) {
		this.headers = headers;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		Map<String, String> values = this.headers.current();
		if (!values.isEmpty()) {
			HttpHeaders outgoing = request.getHeaders();
			values.forEach((name, value) -> {
				if (!outgoing.containsHeader(name)) {
					outgoing.set(name, value);
				}
			});
		}
		return execution.execute(request, body);
	}

}
