package dev.switchboard.autoconfigure.client.rest;

import java.net.http.HttpClient;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.JdkHttpClientBuilder;
import org.springframework.util.Assert;

/**
 * Builds {@link JdkBlockingClientHttpRequestFactory} instances over an {@link HttpClient} that Spring Boot's own
 * {@link JdkHttpClientBuilder} configures from the settings (redirects, connect timeout, SSL bundle), as it does
 * for Spring Boot's {@code ClientHttpRequestFactoryBuilder.jdk()}; the read timeout goes to the factory.
 *
 * @author Switchboard
 */
public final class JdkBlockingClientHttpRequestFactoryBuilder
		implements ClientHttpRequestFactoryBuilder<JdkBlockingClientHttpRequestFactory> {

	private final JdkHttpClientBuilder httpClientBuilder;

	/**
	 * Creates a builder over a default {@link JdkHttpClientBuilder}.
	 */
	public JdkBlockingClientHttpRequestFactoryBuilder() {
		this(new JdkHttpClientBuilder());
	}

	/**
	 * Creates a builder.
	 * @param httpClientBuilder builds the JDK client of each factory
	 */
	public JdkBlockingClientHttpRequestFactoryBuilder(JdkHttpClientBuilder httpClientBuilder) {
		Assert.notNull(httpClientBuilder, "'httpClientBuilder' must not be null");
		this.httpClientBuilder = httpClientBuilder;
	}

	@Override
	public JdkBlockingClientHttpRequestFactory build(@Nullable HttpClientSettings settings) {
		HttpClientSettings resolved = (settings != null) ? settings : HttpClientSettings.defaults();
		// Spring Boot's builder refuses a read timeout: the JDK client has none, it is per request.
		HttpClient httpClient = this.httpClientBuilder.build(resolved.withReadTimeout(null));
		return new JdkBlockingClientHttpRequestFactory(httpClient, resolved.readTimeout());
	}

}
