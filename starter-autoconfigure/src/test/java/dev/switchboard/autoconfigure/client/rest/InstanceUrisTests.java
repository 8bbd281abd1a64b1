package dev.switchboard.autoconfigure.client.rest;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InstanceUris}: the URI built from the parsed parts is the one concatenation and a parse give.
 *
 * @author Switchboard
 */
class InstanceUrisTests {

	private static final ServiceInstance ROOT = new DefaultServiceInstance("a", "inventory", "10.0.0.5", 8082, false);

	private static final ServiceInstance API = new DefaultServiceInstance("b", "inventory", "10.0.0.6", 8082, false,
			Map.of(InstanceUris.BASE_PATH, "/api/"));

	private static final ServiceInstance IPV6 = new DefaultServiceInstance("c", "inventory", "::1", 9000, true);

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			http://inventory/items/1                 | http://10.0.0.5:8082/items/1           | http://10.0.0.6:8082/api/items/1
			http://inventory/items/p%201?q=a%26b     | http://10.0.0.5:8082/items/p%201?q=a%26b | http://10.0.0.6:8082/api/items/p%201?q=a%26b
			http://inventory/                        | http://10.0.0.5:8082/                  | http://10.0.0.6:8082/api/
			http://inventory/?x=1                    | http://10.0.0.5:8082/?x=1              | http://10.0.0.6:8082/api/?x=1
			http://inventory                         | http://10.0.0.5:8082                   | http://10.0.0.6:8082/api
			http://inventory/a//b                    | http://10.0.0.5:8082/a//b              | http://10.0.0.6:8082/api/a//b
			http://inventory/a/./b/../c              | http://10.0.0.5:8082/a/./b/../c        | http://10.0.0.6:8082/api/a/./b/../c
			http://inventory/a/..                    | http://10.0.0.5:8082/a/..              | http://10.0.0.6:8082/api/a/..
			http://inventory/v1.2/x.json             | http://10.0.0.5:8082/v1.2/x.json       | http://10.0.0.6:8082/api/v1.2/x.json
			http://inventory/a:b/c                   | http://10.0.0.5:8082/a:b/c             | http://10.0.0.6:8082/api/a:b/c
			http://inventory/items#top               | http://10.0.0.5:8082/items             | http://10.0.0.6:8082/api/items
			""")
	void rewritesTheLogicalUriToTheInstanceKeepingPathAndQueryAsTheyAre(String logical, String atRoot,
			String underBasePath) {
		InstanceUris uris = new InstanceUris(false);
		// Twice: the first call parses the instance's base, the second reuses it.
		for (int i = 0; i < 2; i++) {
			assertSame(uris.resolve(URI.create(logical), ROOT), atRoot);
			assertSame(uris.resolve(URI.create(logical), API), underBasePath);
		}
	}

	@Test
	void clientWithTlsCallsEveryInstanceOverHttpsAndBracketsIpv6Hosts() {
		assertSame(new InstanceUris(true).resolve(URI.create("http://inventory/items/1"), ROOT),
				"https://10.0.0.5:8082/items/1");
		assertSame(new InstanceUris(false).resolve(URI.create("http://inventory/items/1"), IPV6),
				"https://[::1]:9000/items/1");
	}

	@Test
	void instanceChangedInPlaceIsNotServedFromTheCache() {
		InstanceUris uris = new InstanceUris(false);
		DefaultServiceInstance instance = new DefaultServiceInstance("d", "inventory", "10.0.0.7", 8082, false,
				new HashMap<>());
		assertSame(uris.resolve(URI.create("http://inventory/items/1"), instance), "http://10.0.0.7:8082/items/1");
		instance.setPort(8083);
		instance.getMetadata().put(InstanceUris.BASE_PATH, "/v2");
		assertSame(uris.resolve(URI.create("http://inventory/items/1"), instance), "http://10.0.0.7:8083/v2/items/1");
	}

	@Test
	void otherLogicalHostGetsItsOwnRoot() {
		InstanceUris uris = new InstanceUris(false);
		assertSame(uris.resolve(URI.create("http://inventory/items/1"), ROOT), "http://10.0.0.5:8082/items/1");
		assertSame(uris.resolve(URI.create("http://orders/orders/2"), ROOT), "http://10.0.0.5:8082/orders/2");
	}

	private static void assertSame(URI actual, String expected) {
		assertThat(actual.toString()).isEqualTo(expected);
		// The parts a transport reads, as a parse of the expected string gives them.
		URI parsed = URI.create(expected);
		assertThat(actual).isEqualTo(parsed);
		assertThat(actual.getRawPath()).isEqualTo(parsed.getRawPath());
		assertThat(actual.getRawQuery()).isEqualTo(parsed.getRawQuery());
		assertThat(actual.getHost()).isEqualTo(parsed.getHost());
		assertThat(actual.getPort()).isEqualTo(parsed.getPort());
	}

}
