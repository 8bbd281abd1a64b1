package dev.switchboard.autoconfigure.discovery.dns;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.discovery.dns.DnsDiscoverySettings.Mode;
import dev.switchboard.autoconfigure.discovery.dns.DnsmasqServer.SrvRecord;
import dev.switchboard.core.balancer.ZoneAwareLoadBalancer;
import dev.switchboard.core.discovery.CachingServiceDiscovery;

import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link DnsDiscoveryClient} against a real dnsmasq. Each test uses its own service and host names, so
 * the records of one test do not disturb another.
 *
 * @author Switchboard
 */
class DnsDiscoveryClientTests {

	private static final String DOMAIN = "svc.test";

	private static final Duration QUERY_TIMEOUT = Duration.ofMillis(500);

	private static DnsmasqServer dns;

	@BeforeAll
	static void startDns() throws IOException {
		dns = DnsmasqServer.start(DOMAIN);
	}

	@AfterAll
	static void stopDns() {
		if (dns != null) {
			dns.close();
		}
	}

	@BeforeEach
	void dnsIsRunning() {
		// An outage test that failed half way must not fail the tests after it.
		dns.start();
	}

	@Test
	void srvLookupReturnsTargetAddressesWithSrvPortsHeaviestFirst() {
		dns.addAddresses("inventory-1", "127.0.1.1");
		dns.addAddresses("inventory-2", "127.0.1.2");
		dns.setSrvRecords(new SrvRecord("_http._tcp.inventory", "inventory-1", 8081, 0, 10),
				new SrvRecord("_http._tcp.inventory", "inventory-2", 8082, 0, 20));
		List<ServiceInstance> instances = client(Mode.SRV).getInstances("inventory");
		assertThat(instances).extracting(ServiceInstance::getInstanceId, ServiceInstance::getHost,
				ServiceInstance::getPort)
			.containsExactly(tuple("inventory-127.0.1.2:8082", "127.0.1.2", 8082),
					tuple("inventory-127.0.1.1:8081", "127.0.1.1", 8081));
		ServiceInstance heaviest = instances.get(0);
		assertThat(heaviest.getServiceId()).isEqualTo("inventory");
		assertThat(heaviest.getUri()).isEqualTo(URI.create("http://127.0.1.2:8082"));
		assertThat(heaviest.getMetadata()).containsEntry("priority", "0")
			.containsEntry("weight", "20")
			.containsEntry("dns.target", "inventory-2.svc.test");
		assertThat(instances.get(1).getMetadata()).containsEntry("weight", "10")
			.containsEntry("dns.target", "inventory-1.svc.test");
	}

	@Test
	void srvTargetsTakeTheirZoneFromTheirTxtRecordWhenAsked() {
		dns.addAddresses("ledger-1", "127.0.9.1");
		dns.addAddresses("ledger-2", "127.0.9.2");
		dns.addAddresses("ledger-3", "127.0.9.3");
		dns.setTxtRecord("ledger-1", "zone=zone-a");
		dns.setTxtRecord("ledger-2", "zone=zone-b");
		dns.setSrvRecords(new SrvRecord("_http._tcp.ledger", "ledger-1", 8081, 0, 30),
				new SrvRecord("_http._tcp.ledger", "ledger-2", 8082, 0, 20),
				new SrvRecord("_http._tcp.ledger", "ledger-3", 8083, 0, 10));
		List<ServiceInstance> zoned = new DnsDiscoveryClient(settings(Mode.SRV).withZoneTxt(true))
			.getInstances("ledger");
		assertThat(zoned).extracting(ServiceInstance::getHost, ZoneAwareLoadBalancer::zoneOf)
			.containsExactly(tuple("127.0.9.1", "zone-a"), tuple("127.0.9.2", "zone-b"), tuple("127.0.9.3", null));
		// Off by default: no TXT query, no zone.
		assertThat(client(Mode.SRV).getInstances("ledger")).extracting(ZoneAwareLoadBalancer::zoneOf)
			.containsOnlyNulls();
	}

	@Test
	void srvLookupReturnsOnlyTheLowestPriorityThatHasResolvableTargets() {
		dns.addAddresses("orders-primary", "127.0.2.1");
		dns.addAddresses("orders-backup", "127.0.2.2");
		dns.setSrvRecords(new SrvRecord("_http._tcp.orders", "orders-primary", 8080, 0, 1),
				new SrvRecord("_http._tcp.orders", "orders-backup", 9090, 10, 1));
		DnsDiscoveryClient client = client(Mode.SRV);
		assertThat(client.getInstances("orders")).extracting(ServiceInstance::getHost, ServiceInstance::getPort)
			.containsExactly(tuple("127.0.2.1", 8080));
		dns.removeHost("orders-primary");
		assertThat(client.getInstances("orders")).singleElement().satisfies((instance) -> {
			assertThat(instance.getHost()).isEqualTo("127.0.2.2");
			assertThat(instance.getPort()).isEqualTo(9090);
			assertThat(instance.getMetadata()).containsEntry("priority", "10");
		});
		dns.addAddresses("orders-primary", "127.0.2.1");
		assertThat(client.getInstances("orders")).extracting(ServiceInstance::getHost).containsExactly("127.0.2.1");
	}

	@Test
	void srvTargetWithIpv4AndIpv6AddressesGivesAnInstancePerAddress() {
		dns.addAddresses("payments-1", "127.0.3.1", "fd00::31");
		dns.setSrvRecords(new SrvRecord("_https._tcp.payments", "payments-1", 8443, 0, 5));
		DnsDiscoveryClient client = new DnsDiscoveryClient(settings(Mode.SRV).withPortName("https").withSecure(true));
		List<ServiceInstance> instances = client.getInstances("payments");
		assertThat(instances).extracting(ServiceInstance::getHost)
			.containsExactly("127.0.3.1", "fd00:0:0:0:0:0:0:31");
		assertThat(instances).allSatisfy((instance) -> {
			assertThat(instance.getPort()).isEqualTo(8443);
			assertThat(instance.isSecure()).isTrue();
			assertThat(instance.getMetadata()).containsEntry("dns.target", "payments-1.svc.test");
		});
		assertThat(instances.get(1).getInstanceId()).isEqualTo("payments-fd00:0:0:0:0:0:0:31:8443");
		assertThat(instances.get(1).getUri()).isEqualTo(URI.create("https://[fd00:0:0:0:0:0:0:31]:8443"));
	}

	@Test
	void srvTargetMissingFromTheAdditionalSectionIsLookedUpThroughItsAlias() throws IOException {
		// dnsmasq sends no additional records for a CNAME target, so the client must look it up and follow it.
		try (DnsmasqServer withAlias = DnsmasqServer.start(DOMAIN, "--cname=web-alias.svc.test,web-real.svc.test")) {
			withAlias.addAddresses("web-real", "127.0.9.1");
			withAlias.setSrvRecords(new SrvRecord("_http._tcp.web", "web-alias", 8081, 0, 1));
			DnsDiscoveryClient client = new DnsDiscoveryClient(
					settings(Mode.SRV).withServers(List.of(withAlias.address())));
			assertThat(client.getInstances("web")).singleElement().satisfies((instance) -> {
				assertThat(instance.getHost()).isEqualTo("127.0.9.1");
				assertThat(instance.getPort()).isEqualTo(8081);
				assertThat(instance.getMetadata()).containsEntry("dns.target", "web-alias.svc.test");
			});
		}
	}

	@Test
	void srvNameTemplateIsConfigurable() {
		dns.addAddresses("billing-node", "127.0.4.1");
		// Consul's form: _<service>._tcp.<domain>.
		dns.setSrvRecords(new SrvRecord("_billing._tcp", "billing-node", 9000, 1, 1));
		DnsDiscoveryClient client = new DnsDiscoveryClient(
				settings(Mode.SRV).withSrvNameTemplate("_{service}._{protocol}.{domain}"));
		assertThat(client.getInstances("billing")).extracting(ServiceInstance::getHost, ServiceInstance::getPort)
			.containsExactly(tuple("127.0.4.1", 9000));
	}

	@Test
	void srvLookupOfAServiceWithoutRecordsIsEmpty() {
		dns.addAddresses("plain-host", "127.0.4.2");
		DnsDiscoveryClient client = client(Mode.SRV);
		// NXDOMAIN: the name does not exist.
		assertThat(client.getInstances("no-such-service")).isEmpty();
		// NOERROR without records: the name exists, but has no SRV record.
		DnsDiscoveryClient byHostName = new DnsDiscoveryClient(
				settings(Mode.SRV).withSrvNameTemplate("{service}.{domain}"));
		assertThat(byHostName.getInstances("plain-host")).isEmpty();
	}

	@Test
	void aModeReturnsEveryAddressWithTheConfiguredPort() {
		dns.addAddresses("catalog", "127.0.5.2", "127.0.5.1", "fd00::51");
		List<ServiceInstance> instances = client(Mode.A).getInstances("catalog");
		assertThat(instances).extracting(ServiceInstance::getInstanceId, ServiceInstance::getHost,
				ServiceInstance::getPort)
			.containsExactly(tuple("catalog-127.0.5.1:8080", "127.0.5.1", 8080),
					tuple("catalog-127.0.5.2:8080", "127.0.5.2", 8080),
					tuple("catalog-fd00:0:0:0:0:0:0:51:8080", "fd00:0:0:0:0:0:0:51", 8080));
		assertThat(instances).allSatisfy((instance) -> assertThat(instance.getServiceId()).isEqualTo("catalog"));
	}

	@Test
	void aModeSeesRecordsAddedAndRemovedWhileRunning() {
		DnsDiscoveryClient client = client(Mode.A);
		assertThat(client.getInstances("pricing")).isEmpty();
		dns.addAddresses("pricing", "127.0.6.1");
		assertThat(hosts(client.getInstances("pricing"))).containsExactly("127.0.6.1");
		dns.addAddresses("pricing", "127.0.6.2");
		assertThat(hosts(client.getInstances("pricing"))).containsExactly("127.0.6.1", "127.0.6.2");
		dns.removeAddresses("pricing", "127.0.6.1");
		assertThat(hosts(client.getInstances("pricing"))).containsExactly("127.0.6.2");
		dns.removeHost("pricing");
		assertThat(client.getInstances("pricing")).isEmpty();
	}

	@Test
	void refusedAnswerIsAFailureNotAnEmptyList() {
		// dnsmasq refuses names outside its local domain (it has no upstream).
		DnsDiscoveryClient client = new DnsDiscoveryClient(settings(Mode.A).withDomain("elsewhere.example"));
		assertThatExceptionOfType(DnsLookupException.class).isThrownBy(() -> client.getInstances("inventory"))
			.withMessageContaining("inventory.elsewhere.example")
			.withMessageContaining("REFUSED")
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("inventory.elsewhere.example");
				assertThat(ex.getType()).isIn("A", "AAAA");
				assertThat(ex.getServers()).containsExactly(dns.address());
			});
	}

	@Test
	void unansweredQueryFailsAfterAboutTheQueryTimeout() throws IOException {
		try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 }))) {
			InetSocketAddress server = (InetSocketAddress) silent.getLocalSocketAddress();
			DnsDiscoveryClient client = new DnsDiscoveryClient(settings(Mode.SRV).withServers(List.of(server)));
			long start = System.nanoTime();
			assertThatExceptionOfType(DnsLookupException.class).isThrownBy(() -> client.getInstances("inventory"))
				.withMessageContaining("_http._tcp.inventory.svc.test SRV")
				.withMessageContaining(server.toString());
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(elapsed).isBetween(QUERY_TIMEOUT.minusMillis(100), QUERY_TIMEOUT.plusSeconds(1));
		}
	}

	@Test
	void stoppedServerFailsWithinTheQueryTimeoutAndProbeReportsIt() {
		DnsDiscoveryClient client = client(Mode.SRV);
		assertThatNoException().isThrownBy(client::probe);
		dns.stop();
		try {
			long start = System.nanoTime();
			assertThatExceptionOfType(DnsLookupException.class).isThrownBy(() -> client.getInstances("inventory"));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(QUERY_TIMEOUT.plusSeconds(1));
			assertThatExceptionOfType(DnsLookupException.class).isThrownBy(client::probe)
				.withMessageContaining("svc.test SOA");
		}
		finally {
			dns.start();
		}
		assertThatNoException().isThrownBy(client::probe);
	}

	@Test
	void lastTtlIsTheSmallestTtlOfTheLastAnswer() throws IOException {
		DnsDiscoveryClient client = client(Mode.A);
		assertThat(client.lastTtl("ttl-zero")).isEmpty();
		dns.addAddresses("ttl-zero", "127.0.7.1");
		client.getInstances("ttl-zero");
		// dnsmasq gives local records TTL 0 unless --local-ttl is set.
		assertThat(client.lastTtl("ttl-zero")).contains(Duration.ZERO);
		try (DnsmasqServer withTtl = DnsmasqServer.start(DOMAIN, "--local-ttl=42")) {
			withTtl.addAddresses("ttl-set", "127.0.7.2");
			withTtl.setSrvRecords(new SrvRecord("_http._tcp.ttl-set", "ttl-set", 8080, 0, 1));
			DnsDiscoveryClient srvClient = new DnsDiscoveryClient(
					settings(Mode.SRV).withServers(List.of(withTtl.address())));
			assertThat(srvClient.getInstances("ttl-set")).hasSize(1);
			assertThat(srvClient.lastTtl("ttl-set")).contains(Duration.ofSeconds(42));
		}
	}

	@Test
	void servicesCannotBeListedAndDescriptionNamesTheClient() {
		DnsDiscoveryClient client = client(Mode.SRV);
		assertThat(client.getServices()).isEmpty();
		assertThat(client.description()).isEqualTo("Switchboard DNS Discovery Client");
	}

	@Test
	void cachingDiscoveryFollowsRecordChangesAndKeepsLastKnownInstancesDuringAnOutage() {
		dns.addAddresses("search", "127.0.8.1");
		try (CachingServiceDiscovery discovery = new CachingServiceDiscovery(client(Mode.A), "dns",
				Duration.ofMillis(200), Duration.ofSeconds(2), null, Clock.systemUTC())) {
			discovery.start();
			assertThat(hosts(discovery.getInstances("search"))).containsExactly("127.0.8.1");
			dns.addAddresses("search", "127.0.8.2");
			// One refresh interval (200 ms) plus slack for a busy machine.
			await().atMost(Duration.ofSeconds(1))
				.untilAsserted(() -> assertThat(hosts(discovery.getInstances("search"))).containsExactly("127.0.8.1",
						"127.0.8.2"));
			dns.stop();
			try {
				await().atMost(Duration.ofSeconds(2)).until(() -> !discovery.isBackendAvailable());
				assertThat(discovery.getOutageCause()).isInstanceOf(DnsLookupException.class);
				assertThat(hosts(discovery.getInstances("search"))).containsExactly("127.0.8.1", "127.0.8.2");
				// Changed during the outage: seen only once DNS answers again.
				dns.removeAddresses("search", "127.0.8.1");
				assertThat(hosts(discovery.getInstances("search"))).containsExactly("127.0.8.1", "127.0.8.2");
			}
			finally {
				dns.start();
			}
			await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
				assertThat(discovery.isBackendAvailable()).isTrue();
				assertThat(hosts(discovery.getInstances("search"))).containsExactly("127.0.8.2");
			});
		}
	}

	private static DnsDiscoveryClient client(Mode mode) {
		return new DnsDiscoveryClient(settings(mode));
	}

	private static DnsDiscoverySettings settings(Mode mode) {
		return DnsDiscoverySettings.defaults()
			.withMode(mode)
			.withServers(List.of(dns.address()))
			.withDomain(DOMAIN)
			.withPort(8080)
			.withQueryTimeout(QUERY_TIMEOUT);
	}

	private static List<String> hosts(List<ServiceInstance> instances) {
		return instances.stream().map(ServiceInstance::getHost).toList();
	}

}
