package dev.switchboard.core.balancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Keeps calls in the client's own zone while enough instances there are healthy, and spills them over to the
 * other zones as the local zone loses instances, in front of any other {@link LoadBalancer}: the delegate
 * chooses among the instances this layer picked (see {@link ZoneAffinity} for the rule).
 * <p>
 * An instance's zone is its {@value #ZONE_METADATA_KEY} metadata, the key Spring Cloud LoadBalancer's zone
 * preference, Spring Cloud Netflix and Spring Cloud Consul use, compared ignoring case. Instances without one
 * belong to no zone: they are called only when calls spill over.
 * <p>
 * An instance is healthy when the caller offers it (callers leave out instances they know to be down: ejected,
 * not connected, already tried) and the {@link OutlierDetector}, when there is one, has not ejected it. The
 * local total is counted in the full instance list of the service, when a supplier of it is given, so that
 * instances the caller left out count as unhealthy rather than as gone.
 * <p>
 * Outcomes go to the delegate unchanged. Per call this layer reads each offered instance's zone once; the local
 * subset of an unchanged list is cached, so the steady state allocates nothing while nothing is ejected.
 *
 * @author Switchboard
 */
public final class ZoneAwareLoadBalancer implements LoadBalancer {

	/**
	 * The metadata key holding an instance's zone.
	 */
	public static final String ZONE_METADATA_KEY = "zone";

	private final LoadBalancer delegate;

	private final String localZone;

	private final ZoneAffinity affinity;

	private final @Nullable OutlierDetector outliers;

	private final @Nullable Supplier<List<ServiceInstance>> population;

	private final DoubleSupplier random;

	private volatile Split offered = Split.EMPTY;

	private volatile Split all = Split.EMPTY;

	/**
	 * Creates a zone-aware layer.
	 * @param delegate the balancer that chooses among the instances this layer picks
	 * @param localZone the client's own zone
	 * @param affinity when calls stay local
	 * @param outliers the detector whose ejections count as unhealthy, or {@code null}
	 * @param population the full instance list of the service, or {@code null} to count the offered ones only
	 */
	public ZoneAwareLoadBalancer(LoadBalancer delegate, String localZone, ZoneAffinity affinity,
			@Nullable OutlierDetector outliers, @Nullable Supplier<List<ServiceInstance>> population) {
		this(delegate, localZone, affinity, outliers, population, () -> ThreadLocalRandom.current().nextDouble());
	}

	/**
	 * Creates a zone-aware layer with a given source of randomness.
	 * @param delegate the balancer that chooses among the instances this layer picks
	 * @param localZone the client's own zone
	 * @param affinity when calls stay local
	 * @param outliers the detector whose ejections count as unhealthy, or {@code null}
	 * @param population the full instance list of the service, or {@code null} to count the offered ones only
	 * @param random numbers in {@code [0, 1)} deciding which calls spill over when the local zone is degraded
	 */
	public ZoneAwareLoadBalancer(LoadBalancer delegate, String localZone, ZoneAffinity affinity,
			@Nullable OutlierDetector outliers, @Nullable Supplier<List<ServiceInstance>> population,
			DoubleSupplier random) {
		this.delegate = Objects.requireNonNull(delegate, "delegate");
		Objects.requireNonNull(localZone, "localZone");
		if (localZone.isBlank()) {
			throw new IllegalArgumentException("localZone must not be blank");
		}
		this.localZone = localZone;
		this.affinity = Objects.requireNonNull(affinity, "affinity");
		this.outliers = outliers;
		this.population = population;
		this.random = Objects.requireNonNull(random, "random");
	}

	/**
	 * The zone of an instance: its {@value #ZONE_METADATA_KEY} metadata.
	 * @param instance the instance
	 * @return the zone, or {@code null} when it has none
	 */
	public static @Nullable String zoneOf(ServiceInstance instance) {
		Map<String, String> metadata = instance.getMetadata();
		String zone = (metadata != null) ? metadata.get(ZONE_METADATA_KEY) : null;
		return (zone != null && !zone.isBlank()) ? zone : null;
	}

	@Override
	public ServiceInstance choose(List<ServiceInstance> instances) {
		Split split = split(instances);
		List<ServiceInstance> local = healthy(split.local);
		if (local.isEmpty()) {
			return this.delegate.choose(instances);
		}
		double share = this.affinity.localShare(local.size(), localTotal(split));
		if (share >= 1 || (share > 0 && this.random.getAsDouble() < share)) {
			return this.delegate.choose(local);
		}
		return this.delegate.choose(instances);
	}

	/**
	 * The share of calls the local zone takes now, for diagnostics.
	 * @param instances the instances a call would be offered
	 * @return from 0 (every call spills over) to 1 (every call stays local)
	 */
	public double localShare(List<ServiceInstance> instances) {
		Split split = split(instances);
		return this.affinity.localShare(healthy(split.local).size(), localTotal(split));
	}

	@Override
	public void onStart(ServiceInstance instance) {
		this.delegate.onStart(instance);
	}

	@Override
	public void onComplete(ServiceInstance instance, long latencyNanos, CallOutcome outcome) {
		this.delegate.onComplete(instance, latencyNanos, outcome);
	}

	/**
	 * The balancer that chooses among the instances this layer picks.
	 * @return the delegate
	 */
	public LoadBalancer getDelegate() {
		return this.delegate;
	}

	/**
	 * The client's own zone.
	 * @return the zone
	 */
	public String getLocalZone() {
		return this.localZone;
	}

	/**
	 * When calls stay local.
	 * @return the affinity
	 */
	public ZoneAffinity getAffinity() {
		return this.affinity;
	}

	private Split split(List<ServiceInstance> instances) {
		Split split = this.offered;
		if (split.source != instances) {
			split = Split.of(instances, this.localZone);
			this.offered = split;
		}
		return split;
	}

	private List<ServiceInstance> healthy(List<ServiceInstance> local) {
		OutlierDetector detector = this.outliers;
		if (detector == null || local.isEmpty() || !detector.mayHaveEjections()) {
			return local;
		}
		List<ServiceInstance> healthy = null;
		for (int i = 0; i < local.size(); i++) {
			ServiceInstance instance = local.get(i);
			if (detector.isEjected(instance)) {
				if (healthy == null) {
					healthy = new ArrayList<>(local.subList(0, i));
				}
			}
			else if (healthy != null) {
				healthy.add(instance);
			}
		}
		return (healthy != null) ? healthy : local;
	}

	private int localTotal(Split offered) {
		int counted = offered.local.size();
		Supplier<List<ServiceInstance>> supplier = this.population;
		if (supplier == null) {
			return counted;
		}
		List<ServiceInstance> instances = supplier.get();
		Split split = this.all;
		if (split.source != instances) {
			split = Split.of(instances, this.localZone);
			this.all = split;
		}
		// The full list may lag the offered one by a refresh: never count fewer than are offered.
		return Math.max(counted, split.local.size());
	}

	@Override
	public String toString() {
		return "zone-aware[" + this.localZone + ", " + this.delegate + "]";
	}

	/** An instance list and its local subset, computed once per list. */
	private record Split(List<ServiceInstance> source, List<ServiceInstance> local) {

		static final Split EMPTY = new Split(List.of(), List.of());

		static Split of(List<ServiceInstance> instances, String zone) {
			List<ServiceInstance> local = new ArrayList<>();
			for (ServiceInstance instance : instances) {
				// Ignoring case, as Spring Cloud LoadBalancer's zone preference does.
				if (zone.equalsIgnoreCase(zoneOf(instance))) {
					local.add(instance);
				}
			}
			return new Split(instances, (local.size() == instances.size()) ? instances : List.copyOf(local));
		}

	}

}
