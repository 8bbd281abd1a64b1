package dev.switchboard.autoconfigure.client.rest;

import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;

/**
 * Switches off retries inside the HTTP transport. Apache HttpClient 5 repeats a request on the same instance
 * after a 503 or some I/O errors by default; Switchboard decides about retries itself (idempotency, another
 * instance, the retry budget), and a hidden retry on the same instance would defeat all three.
 *
 * @author Switchboard
 */
final class TransportRetries {

	private static final boolean HTTP_COMPONENTS_PRESENT = isPresent("org.apache.hc.client5.http.impl.classic.HttpClientBuilder");

	private TransportRetries() {
	}

	static ClientHttpRequestFactoryBuilder<?> disable(ClientHttpRequestFactoryBuilder<?> builder) {
		if (HTTP_COMPONENTS_PRESENT && builder instanceof HttpComponentsClientHttpRequestFactoryBuilder httpComponents) {
			return httpComponents.withHttpClientCustomizer(HttpClientBuilder::disableAutomaticRetries);
		}
		return builder;
	}

	private static boolean isPresent(String className) {
		try {
			Class.forName(className, false, TransportRetries.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

}
