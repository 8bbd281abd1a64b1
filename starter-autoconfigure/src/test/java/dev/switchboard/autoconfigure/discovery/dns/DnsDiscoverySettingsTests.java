package dev.switchboard.autoconfigure.discovery.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.autoconfigure.discovery.dns.DnsDiscoverySettings.Mode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link DnsDiscoverySettings}.
 *
 * @author Switchboard
 */
class DnsDiscoverySettingsTests {

	@Test
	void defaultsAreSrvOverTheSystemResolvers() {
		DnsDiscoverySettings settings = DnsDiscoverySettings.defaults();
		assertThat(settings.mode()).isEqualTo(Mode.SRV);
		assertThat(settings.servers()).isEmpty();
		assertThat(settings.domain()).isNull();
		assertThat(settings.srvNameTemplate()).isEqualTo("_{portName}._{protocol}.{service}.{domain}");
		assertThat(settings.portName()).isEqualTo("http");
		assertThat(settings.protocol()).isEqualTo("tcp");
		assertThat(settings.port()).isEqualTo(80);
		assertThat(settings.queryTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(settings.secure()).isFalse();
	}

	@Test
	void srvNameFollowsTheKubernetesFormByDefault() {
		DnsDiscoverySettings settings = DnsDiscoverySettings.defaults().withDomain("default.svc.cluster.local");
		assertThat(settings.srvName("inventory")).isEqualTo("_http._tcp.inventory.default.svc.cluster.local");
		assertThat(settings.withPortName("grpc").srvName("inventory"))
			.isEqualTo("_grpc._tcp.inventory.default.svc.cluster.local");
	}

	@Test
	void srvNameDropsTheTrailingDomainWhenNoneIsSet() {
		assertThat(DnsDiscoverySettings.defaults().srvName("inventory")).isEqualTo("_http._tcp.inventory");
	}

	@Test
	void srvNameTemplateCanTakeConsulsForm() {
		DnsDiscoverySettings settings = DnsDiscoverySettings.defaults()
			.withSrvNameTemplate("_{service}._tcp.service.consul");
		assertThat(settings.srvName("inventory")).isEqualTo("_inventory._tcp.service.consul");
	}

	@Test
	void hostNameAppendsTheDomain() {
		DnsDiscoverySettings settings = DnsDiscoverySettings.defaults();
		assertThat(settings.hostName("inventory")).isEqualTo("inventory");
		assertThat(settings.withDomain("service.consul.").hostName("inventory")).isEqualTo("inventory.service.consul");
	}

	@Test
	void blankDomainMeansNone() {
		assertThat(DnsDiscoverySettings.defaults().withDomain(" ").domain()).isNull();
	}

	@Test
	void templateWithoutServiceIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DnsDiscoverySettings.defaults().withSrvNameTemplate("_http._tcp.{domain}"))
			.withMessageContaining("'_http._tcp.{domain}'")
			.withMessageContaining("{service}");
	}

	@Test
	void templateWithUnknownPlaceholderIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DnsDiscoverySettings.defaults().withSrvNameTemplate("_{port}._tcp.{service}"))
			.withMessageContaining("{port}");
	}

	@Test
	void domainInsideTheTemplateNeedsADomain() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DnsDiscoverySettings.defaults().withSrvNameTemplate("{service}.{domain}.internal"))
			.withMessageContaining("no domain is set");
	}

	@Test
	void nonPositiveQueryTimeoutIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DnsDiscoverySettings.defaults().withQueryTimeout(Duration.ZERO))
			.withMessageContaining("PT0S");
	}

	@Test
	void portOutOfRangeIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> DnsDiscoverySettings.defaults().withPort(70000))
			.withMessageContaining("70000");
	}

	@Test
	void unresolvedServerIsRejected() {
		InetSocketAddress unresolved = InetSocketAddress.createUnresolved("dns.example", 53);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DnsDiscoverySettings.defaults().withServers(List.of(unresolved)))
			.withMessageContaining("dns.example");
	}

}
