package dev.switchboard.autoconfigure.discovery;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.discovery.ConsulProtocolDouble.RecordedRequest;

import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryClient;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.UnknownContentTypeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of how Spring Cloud Consul's {@link ConsulDiscoveryClient} reports failures, which Switchboard's cache
 * relies on: every failure must be an exception, never an empty answer.
 *
 * @author Switchboard
 */
class ConsulDiscoveryClientFailureTests {

	private ConsulProtocolDouble consul;

	private ConsulDiscoveryClient client;

	@BeforeEach
	void start() {
		this.consul = ConsulProtocolDouble.start();
		ConsulProperties properties = new ConsulProperties();
		properties.setHost("127.0.0.1");
		properties.setPort(this.consul.port());
		ConsulDiscoveryProperties discovery = new ConsulDiscoveryProperties(
				new InetUtils(new InetUtilsProperties()));
		discovery.setQueryPassing(true);
		this.client = new ConsulDiscoveryClient(ConsulAutoConfiguration.createNewConsulClient(properties), discovery);
	}

	@AfterEach
	void stop() {
		this.consul.close();
	}

	@Test
	void answersInstancesWithPassingChecks() {
		this.consul.register("inventory-1", "inventory", 8081, "passing");
		this.consul.register("inventory-2", "inventory", 8082, "critical");
		assertThat(this.client.getInstances("inventory")).singleElement()
			.satisfies((instance) -> assertThat(instance.getPort()).isEqualTo(8081));
		assertThat(this.client.getInstances("unknown")).isEmpty();
	}

	@Test
	void unreachableAgentThrows() {
		this.consul.stop();
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> this.client.getInstances("inventory"));
	}

	@Test
	void hungAgentFailsTheLookupWithinTheReadTimeoutOfSwitchboardsClient() {
		ConsulProperties properties = new ConsulProperties();
		properties.setHost("127.0.0.1");
		properties.setPort(this.consul.port());
		ConsulDiscoveryProperties discovery = new ConsulDiscoveryProperties(new InetUtils(new InetUtilsProperties()));
		ConsulDiscoveryClient timed = new ConsulDiscoveryClient(
				ConsulClients.create(properties, Duration.ofMillis(500), Duration.ofMillis(500)), discovery);
		this.consul.hang();
		long start = System.nanoTime();
		assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> timed.getInstances("inventory"));
		assertThat(this.consul.unansweredRequests()).extracting(RecordedRequest::path)
			.containsExactly("/v1/health/service/inventory");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
	}

	@Test
	void readTimeoutLeavesRoomForTheLongestBlockingQuery() {
		assertThat(ConsulClients.readTimeout(Duration.ofSeconds(5), Duration.ofSeconds(2)))
			.isEqualTo(Duration.ofMillis(7125));
	}

	@Test
	void agentWithoutLeaderThrows() {
		this.consul.answerErrors(500, "No cluster leader");
		// Spring Cloud's status handler logs (and consumes) the 500 body; extracting health entries then fails.
		assertThatExceptionOfType(RestClientException.class)
			.isThrownBy(() -> this.client.getInstances("inventory"));
	}

	@Test
	void deniedAclTokenThrows() {
		this.consul.answerErrors(403, "Permission denied");
		// 4xx answers are ignored by Spring Cloud's status handler; the text body then fails to convert.
		assertThatExceptionOfType(UnknownContentTypeException.class)
			.isThrownBy(() -> this.client.getInstances("inventory"));
	}

}
