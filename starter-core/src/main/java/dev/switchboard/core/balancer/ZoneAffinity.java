package dev.switchboard.core.balancer;

/**
 * When a client keeps its calls in its own zone, for {@link ZoneAwareLoadBalancer}.
 * <p>
 * The local zone takes every call while it has at least {@code minInstances} healthy instances and at least
 * {@code minHealthyPercent} of its instances are healthy. Below that percentage it takes a share of the calls
 * proportional to its health ({@code healthy% / minHealthyPercent}) and the rest spill over to every healthy
 * instance of every zone, as Envoy's priority levels do with an overprovisioning factor of
 * {@code 100 / minHealthyPercent}. With fewer than {@code minInstances} healthy local instances every call
 * goes to every zone.
 *
 * @param minInstances healthy local instances needed to keep any call local, at least 1
 * @param minHealthyPercent share of the local instances, in percent, that must be healthy for the local zone
 * to take every call, from 0 to 100
 * @author Switchboard
 */
public record ZoneAffinity(int minInstances, int minHealthyPercent) {

	/**
	 * Default number of healthy local instances needed to keep calls local.
	 */
	public static final int DEFAULT_MIN_INSTANCES = 1;

	/**
	 * Default healthy share of the local zone below which calls start to spill over: Envoy's overprovisioning
	 * factor of 1.4 (100 / 1.4 = 71.4, rounded down).
	 */
	public static final int DEFAULT_MIN_HEALTHY_PERCENT = 70;

	/**
	 * Checks the arguments.
	 * @param minInstances healthy local instances needed, at least 1
	 * @param minHealthyPercent healthy share needed for all calls to stay local, from 0 to 100
	 */
	public ZoneAffinity {
		if (minInstances < 1) {
			throw new IllegalArgumentException("minInstances must be at least 1 but was " + minInstances);
		}
		if (minHealthyPercent < 0 || minHealthyPercent > 100) {
			throw new IllegalArgumentException(
					"minHealthyPercent must be between 0 and 100 but was " + minHealthyPercent);
		}
	}

	/**
	 * The default affinity: local while at least one local instance and 70% of them are healthy.
	 * @return the default affinity
	 */
	public static ZoneAffinity defaults() {
		return new ZoneAffinity(DEFAULT_MIN_INSTANCES, DEFAULT_MIN_HEALTHY_PERCENT);
	}

	/**
	 * The share of calls the local zone takes.
	 * @param healthy healthy local instances
	 * @param total all local instances, healthy or not
	 * @return from 0 (every call spills over) to 1 (every call stays local)
	 */
	public double localShare(int healthy, int total) {
		if (healthy < this.minInstances || healthy <= 0 || total <= 0) {
			return 0;
		}
		long needed = (long) this.minHealthyPercent * total;
		long have = 100L * healthy;
		if (have >= needed) {
			return 1;
		}
		return (double) have / needed;
	}

}
