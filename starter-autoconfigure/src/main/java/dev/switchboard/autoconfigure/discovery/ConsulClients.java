package dev.switchboard.autoconfigure.discovery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.util.DefaultUriBuilderFactory;

/**
 * Builds Spring Cloud Consul's {@link ConsulClient} with connect and read timeouts.
 * <p>
 * Spring Cloud Consul 5 builds its client on {@code RestClient.builder()} with the HTTP library's defaults: no
 * read timeout (Apache HttpClient 5 waits minutes), so an agent that accepts connections and never answers
 * holds registration at startup, deregistration at shutdown, every lookup and every health request. Its
 * auto-configuration offers no customizer, so this builds the same client (the same base URL, TLS settings,
 * status handlers and argument resolvers, through Spring Cloud's own public factory methods) on a request
 * factory with timeouts.
 *
 * @author Switchboard
 */
final class ConsulClients {

	private static final Log logger = LogFactory.getLog(ConsulClients.class);

	private ConsulClients() {
	}

	/**
	 * The read timeout for a client whose longest blocking query waits {@code longestWait}: Consul answers a
	 * blocking query after the wait plus up to a sixteenth of it (its jitter); any other request answers at once.
	 * @param lookupTimeout the time allowed for an ordinary request
	 * @param longestWait the longest {@code wait} of a blocking query the application makes
	 * @return the read timeout
	 */
	static Duration readTimeout(Duration lookupTimeout, Duration longestWait) {
		return lookupTimeout.plus(longestWait).plus(longestWait.dividedBy(16));
	}

	/**
	 * Creates a client for the agent in {@code properties}.
	 * @param properties Spring Cloud Consul's connection properties
	 * @param connectTimeout the connect timeout
	 * @param readTimeout the read timeout
	 * @return the client
	 */
	static ConsulClient create(ConsulProperties properties, Duration connectTimeout, Duration readTimeout) {
		String baseUrl = ConsulAutoConfiguration.createConsulClientBaseUrl(properties);
		// Spring Cloud's settings carry the TLS bundle when spring.cloud.consul.tls is set, and nothing otherwise.
		@Nullable HttpClientSettings tls = ConsulAutoConfiguration.createConsulClientSettings(baseUrl, properties.getTls())
			.httpClientSettings();
		HttpClientSettings settings = ((tls != null) ? tls : HttpClientSettings.defaults())
			.withTimeouts(connectTimeout, readTimeout);
		DefaultUriBuilderFactory uriBuilderFactory = new DefaultUriBuilderFactory(baseUrl);
		uriBuilderFactory.setEncodingMode(DefaultUriBuilderFactory.EncodingMode.NONE);
		RestClient restClient = RestClient.builder()
			// As Spring Cloud Consul does: 4xx bodies reach the caller (and fail to convert, so lookups throw),
			// 5xx bodies are logged.
			.defaultStatusHandler(HttpStatusCode::is4xxClientError, (request, response) -> {
			})
			.defaultStatusHandler(HttpStatusCode::is5xxServerError,
					(request, response) -> logger
						.error(new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8)))
			.uriBuilderFactory(uriBuilderFactory)
			.requestFactory(ClientHttpRequestFactoryBuilder.detect().build(settings))
			.build();
		return ConsulAutoConfiguration.createNewConsulClient(RestClientAdapter.create(restClient));
	}

}
