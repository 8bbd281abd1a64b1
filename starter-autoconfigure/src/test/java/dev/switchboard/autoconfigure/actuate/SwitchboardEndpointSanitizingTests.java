package dev.switchboard.autoconfigure.actuate;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.switchboard.autoconfigure.client.ServiceClientProperties;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credentials in instance metadata and URLs never reach the endpoint's JSON.
 *
 * @author Switchboard
 */
class SwitchboardEndpointSanitizingTests {

	@Test
	void secretMetadataAndUserInfoAreNotShown() {
		ServiceClientProperties.Client legacy = new ServiceClientProperties.Client("http://user:pw@host:1", null, null,
				null, null, null, null, null, null, null, null, null, null);
		ServiceClientProperties properties = new ServiceClientProperties(
				Map.of("legacy", legacy, "inventory", new ServiceClientProperties.Client(null, null, null, null, null,
						null, null, null, null, null, null, null, null)),
				null);
		ServiceInstance instance = new DefaultServiceInstance("i1", "inventory", "10.0.0.5", 8080, false,
				Map.of("token", "s3cr3t", "zone", "a", "registry", "http://admin:hunter2@registry:8761"));
		ServiceDiscovery discovery = new ServiceDiscovery() {

			@Override
			public String backend() {
				return "static";
			}

			@Override
			public List<ServiceInstance> getInstances(String serviceId) {
				return "inventory".equals(serviceId) ? List.of(instance) : List.of();
			}

		};
		SwitchboardEndpoint endpoint = new SwitchboardEndpoint(properties, null, null, discovery, null, null,
				(name) -> null, (name) -> null);
		String json = JsonMapper.shared().writeValueAsString(endpoint.switchboard());
		assertThat(json).doesNotContain("s3cr3t", "user:pw", "pw@", "hunter2", "admin:")
			.contains("\"token\":\"******\"", "\"zone\":\"a\"", "http://host:1", "http://registry:8761");
	}

	@Test
	void secretsInFreeTextAreMasked() {
		assertThat(Sanitizer.text("connect to http://u:p@consul:8500 failed, token=abc; acl_token: xyz"))
			.isEqualTo("connect to http://consul:8500 failed, token=******; acl_token=******");
		assertThat(Sanitizer.uri(URI.create("https://a:b@h:1/x"))).isEqualTo("https://h:1/x");
	}

}
