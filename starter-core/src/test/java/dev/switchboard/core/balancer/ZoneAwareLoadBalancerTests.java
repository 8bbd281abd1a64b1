package dev.switchboard.core.balancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ZoneAwareLoadBalancer} and {@link ZoneAffinity}.
 *
 * @author Switchboard
 */
class ZoneAwareLoadBalancerTests {

	private static final ServiceInstance A1 = zoned("a1", "zone-a");

	private static final ServiceInstance A2 = zoned("a2", "zone-a");

	private static final ServiceInstance A3 = zoned("a3", "zone-a");

	private static final ServiceInstance B1 = zoned("b1", "zone-b");

	private static final ServiceInstance B2 = zoned("b2", "zone-b");

	private static final ServiceInstance NONE = zoned("none", null);

	@Test
	void sendsEveryCallToTheLocalZoneWhileItIsHealthy() {
		ZoneAwareLoadBalancer balancer = zoneA(ZoneAffinity.defaults(), null, null, () -> 0.99);
		Map<String, Integer> picks = pick(balancer, List.of(B1, A1, NONE, A2, B2), 1000);
		assertThat(picks).containsOnlyKeys("a1", "a2");
		assertThat(picks.get("a1")).isEqualTo(500);
	}

	@Test
	void sendsEveryCallToAllZonesWhenNoInstanceIsInTheLocalZone() {
		ZoneAwareLoadBalancer balancer = new ZoneAwareLoadBalancer(new RoundRobinLoadBalancer(), "zone-c",
				ZoneAffinity.defaults(), null, null);
		assertThat(pick(balancer, List.of(A1, B1, NONE), 300)).containsOnlyKeys("a1", "b1", "none");
	}

	@Test
	void instancesWithoutAZoneTakeCallsOnlyWhenCallsSpillOver() {
		ZoneAwareLoadBalancer balancer = zoneA(new ZoneAffinity(2, 0), null, null, () -> 0.0);
		assertThat(pick(balancer, List.of(A1, A2, NONE), 100)).containsOnlyKeys("a1", "a2");
		assertThat(pick(balancer, List.of(A1, NONE), 100)).containsOnlyKeys("a1", "none");
	}

	@Test
	void spillsEveryCallWhenFewerThanMinInstancesAreHealthy() {
		List<ServiceInstance> all = List.of(A1, A2, B1, B2);
		ZoneAwareLoadBalancer balancer = zoneA(new ZoneAffinity(2, 50), null, () -> all, () -> 0.0);
		// a2 is down: the caller no longer offers it.
		assertThat(balancer.localShare(List.of(A1, B1, B2))).isZero();
		assertThat(pick(balancer, List.of(A1, B1, B2), 300)).containsOnlyKeys("a1", "b1", "b2");
	}

	@Test
	void spillsAShareOfTheCallsProportionalToTheLocalZonesHealth() {
		List<ServiceInstance> all = List.of(A1, A2, A3, B1, B2);
		Sequence random = new Sequence();
		ZoneAwareLoadBalancer balancer = zoneA(new ZoneAffinity(1, 100), null, () -> all, random);
		List<ServiceInstance> offered = List.of(A1, A2, B1, B2);
		// Two of three local instances are healthy: 2/3 of the calls stay local, the rest go to every zone.
		assertThat(balancer.localShare(offered)).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
		Map<String, Integer> picks = pick(balancer, offered, 3000);
		int remote = picks.getOrDefault("b1", 0) + picks.getOrDefault("b2", 0);
		// 1000 calls spill over to four instances, two of them remote.
		assertThat(remote).isEqualTo(500);
		assertThat(picks.get("a1") + picks.get("a2")).isEqualTo(2500);
	}

	@Test
	void staysLocalWhileTheHealthyShareIsAtLeastMinHealthyPercent() {
		List<ServiceInstance> all = List.of(A1, A2, A3, B1);
		ZoneAwareLoadBalancer balancer = zoneA(new ZoneAffinity(1, 60), null, () -> all, () -> 0.99);
		assertThat(balancer.localShare(List.of(A1, A2, B1))).isEqualTo(1.0);
		assertThat(pick(balancer, List.of(A1, A2, B1), 100)).containsOnlyKeys("a1", "a2");
		assertThat(new ZoneAffinity(1, 70).localShare(2, 3)).isCloseTo((200.0 / 3) / 70,
				org.assertj.core.data.Offset.offset(1e-9));
	}

	@Test
	void countsEjectedInstancesAsUnhealthy() {
		AtomicLong now = new AtomicLong();
		OutlierDetector outliers = new OutlierDetector(
				new OutlierDetector.Config(1, Duration.ofSeconds(30), Duration.ofMinutes(1), 100), now::get);
		List<ServiceInstance> all = List.of(A1, A2, B1, B2);
		outliers.filter(all);
		ZoneAwareLoadBalancer balancer = zoneA(new ZoneAffinity(2, 70), outliers, () -> all, () -> 0.0);
		assertThat(pick(balancer, all, 100)).containsOnlyKeys("a1", "a2");
		outliers.record(A2, CallOutcome.CONNECT_FAILURE);
		assertThat(outliers.isEjected(A2)).isTrue();
		// Offered as before (a caller that does not filter), but a2 is ejected: one healthy local is too few.
		Map<String, Integer> picks = pick(balancer, all, 400);
		assertThat(picks).containsKeys("b1", "b2");
		now.addAndGet(Duration.ofSeconds(31).toNanos());
		assertThat(pick(balancer, all, 100)).containsOnlyKeys("a1", "a2");
	}

	@Test
	void countsTheLocalTotalInTheFullListWhenTheCallerLeavesInstancesOut() {
		List<ServiceInstance> all = List.of(A1, A2, A3, B1);
		ZoneAwareLoadBalancer withPopulation = zoneA(new ZoneAffinity(1, 70), null, () -> all, () -> 0.99);
		ZoneAwareLoadBalancer offeredOnly = zoneA(new ZoneAffinity(1, 70), null, null, () -> 0.99);
		List<ServiceInstance> offered = List.of(A1, B1);
		assertThat(withPopulation.localShare(offered)).isLessThan(1.0);
		assertThat(offeredOnly.localShare(offered)).isEqualTo(1.0);
	}

	@Test
	void passesOutcomesToTheDelegate() {
		P2cEwmaLoadBalancer p2c = new P2cEwmaLoadBalancer();
		ZoneAwareLoadBalancer balancer = zoneA(ZoneAffinity.defaults(), null, null, () -> 0.0);
		ZoneAwareLoadBalancer wrapping = new ZoneAwareLoadBalancer(p2c, "zone-a", ZoneAffinity.defaults(), null, null);
		wrapping.onStart(A1);
		wrapping.onComplete(A1, 1_000_000, CallOutcome.SUCCESS);
		assertThat(p2c.snapshot()).containsKey(LoadBalancer.key(A1));
		assertThat(wrapping.getDelegate()).isSameAs(p2c);
		assertThat(balancer.getLocalZone()).isEqualTo("zone-a");
	}

	@Test
	void comparesZonesIgnoringCase() {
		ZoneAwareLoadBalancer balancer = new ZoneAwareLoadBalancer(new RoundRobinLoadBalancer(), "ZONE-A",
				ZoneAffinity.defaults(), null, null);
		assertThat(pick(balancer, List.of(A1, B1), 10)).containsOnlyKeys("a1");
	}

	@Test
	void readsTheZoneFromTheZoneMetadata() {
		assertThat(ZoneAwareLoadBalancer.zoneOf(A1)).isEqualTo("zone-a");
		assertThat(ZoneAwareLoadBalancer.zoneOf(NONE)).isNull();
		assertThat(ZoneAwareLoadBalancer.zoneOf(zoned("blank", " "))).isNull();
	}

	@Test
	void rejectsInvalidAffinity() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ZoneAffinity(0, 50))
			.withMessageContaining("minInstances must be at least 1 but was 0");
		assertThatIllegalArgumentException().isThrownBy(() -> new ZoneAffinity(1, 101))
			.withMessageContaining("minHealthyPercent must be between 0 and 100 but was 101");
		assertThatIllegalArgumentException().isThrownBy(() -> new ZoneAwareLoadBalancer(new RoundRobinLoadBalancer(),
				" ", ZoneAffinity.defaults(), null, null));
	}

	private static ZoneAwareLoadBalancer zoneA(ZoneAffinity affinity, OutlierDetector outliers,
			java.util.function.Supplier<List<ServiceInstance>> population, DoubleSupplier random) {
		return new ZoneAwareLoadBalancer(new RoundRobinLoadBalancer(), "zone-a", affinity, outliers, population,
				random);
	}

	private static Map<String, Integer> pick(LoadBalancer balancer, List<ServiceInstance> instances, int calls) {
		Map<String, Integer> picks = new HashMap<>();
		for (int i = 0; i < calls; i++) {
			picks.merge(balancer.choose(instances).getHost(), 1, Integer::sum);
		}
		return picks;
	}

	private static ServiceInstance zoned(String host, String zone) {
		Map<String, String> metadata = new HashMap<>();
		if (zone != null) {
			metadata.put(ZoneAwareLoadBalancer.ZONE_METADATA_KEY, zone);
		}
		return new DefaultServiceInstance(host, "test", host, 8080, false, metadata);
	}

	/** 0, 1/3, 2/3, 0, ...: a third of the draws fall at or above 2/3. */
	private static final class Sequence implements DoubleSupplier {

		private final List<Double> values = new ArrayList<>(List.of(0.0, 1.0 / 3, 0.7));

		private int next;

		@Override
		public double getAsDouble() {
			return this.values.get(this.next++ % this.values.size());
		}

	}

}
