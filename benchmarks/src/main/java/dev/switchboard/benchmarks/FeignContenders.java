package dev.switchboard.benchmarks;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import feign.Client;
import feign.Feign;
import feign.Param;
import feign.Request;
import feign.RequestLine;
import feign.Retryer;
import feign.hc5.ApacheHttp5Client;
import feign.http2client.Http2Client;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;

/**
 * OpenFeign on the transport of each overhead table, calling the three instances in turn by hand as the raw
 * {@code RestClient} row does: one Feign client per URL, chosen by {@code sequence % 3}, the answer read as a
 * {@code String} (Feign's default decoder), no retries (the raw row has none), the same timeouts.
 *
 * @author Switchboard
 */
final class FeignContenders {

	private FeignContenders() {
	}

	/** The Feign row's name for a transport. */
	static String name(String transport) {
		return "OpenFeign (" + clientName(transport) + "), 3 URLs by hand";
	}

	/**
	 * The Feign row for a transport.
	 * @param transport the value of {@code spring.http.clients.imperative.factory}
	 * @param factoryBuilder the transport's factory builder, whose Apache HttpClient Feign shares the settings of
	 * @param settings the timeouts of the raw row
	 * @param urls the three instances
	 * @return the call, or {@code null} for a transport Feign has no client for here
	 */
	static ClosedLoop.@Nullable Call threeByHand(String transport, ClientHttpRequestFactoryBuilder<?> factoryBuilder,
			HttpClientSettings settings, String[] urls) {
		Client client = client(transport, factoryBuilder, settings);
		if (client == null) {
			return null;
		}
		Duration connect = settings.connectTimeout();
		Duration read = settings.readTimeout();
		Request.Options options = new Request.Options((connect != null) ? connect.toMillis() : 10_000,
				TimeUnit.MILLISECONDS, (read != null) ? read.toMillis() : 60_000, TimeUnit.MILLISECONDS, true);
		Items[] items = new Items[urls.length];
		for (int i = 0; i < urls.length; i++) {
			items[i] = Feign.builder()
				.client(client)
				.options(options)
				.retryer(Retryer.NEVER_RETRY)
				.target(Items.class, urls[i]);
		}
		return (i) -> items[(int) (i % items.length)].item(i);
	}

	private static @Nullable Client client(String transport, ClientHttpRequestFactoryBuilder<?> factoryBuilder,
			HttpClientSettings settings) {
		return switch (transport) {
			// Boot's own HttpClient for these settings (its pool and defaults), as the raw row gets it.
			case "http-components" -> {
				ClientHttpRequestFactory factory = factoryBuilder.build(settings);
				yield new ApacheHttp5Client(((HttpComponentsClientHttpRequestFactory) factory).getHttpClient());
			}
			case "simple" -> new Client.Default(null, null);
			case "jdk" -> new Http2Client(HttpClient.newBuilder()
				.connectTimeout((settings.connectTimeout() != null) ? settings.connectTimeout() : Duration.ofSeconds(10))
				.build());
			default -> null;
		};
	}

	private static String clientName(String transport) {
		return switch (transport) {
			case "http-components" -> "feign-hc5";
			case "simple" -> "Client.Default, HttpURLConnection";
			case "jdk" -> "feign-java11";
			default -> transport;
		};
	}

	/** The same call as the other contenders', declared for Feign. */
	interface Items {

		@RequestLine("GET /items/{id}")
		String item(@Param("id") long id);

	}

}
