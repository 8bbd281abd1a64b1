package dev.switchboard.core.balancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Ejects instances that fail several calls in a row, in the manner of Envoy's consecutive-errors outlier
 * detection. After {@link Config#consecutiveFailures()} outcomes in a row that
 * {@linkplain CallOutcome#isInstanceFailure() count against the instance}, it is left out of
 * {@link #filter(List)} for {@link Config#baseEjection()} times the number of times it has been ejected,
 * capped at {@link Config#maxEjection()}. Every base ejection time spent back in service forgives one past
 * ejection, so an instance that recovered for good starts again from the base time. Any other outcome resets
 * the count.
 * <p>
 * At most {@link Config#maxEjectedPercent()} of the instances are ejected at once, and never all of them: a
 * failing instance over that share stays in service. Ejected instances return on their own when their time
 * is up; this is checked lazily, on the next call to {@link #filter(List)}, so no timer thread is needed.
 * <p>
 * Recording a success and filtering while nothing is ejected take no lock and allocate nothing.
 *
 * @author Switchboard
 */
public final class OutlierDetector {

	private static final Log logger = LogFactory.getLog(OutlierDetector.class);

	private final Config config;

	private final long baseEjectionNanos;

	private final long maxEjectionNanos;

	private final LongSupplier nanoClock;

	private final Map<String, InstanceState> states = new ConcurrentHashMap<>();

	/** The ejected instances by key, with the time their ejection ends. */
	private final Map<String, Long> ejections = new ConcurrentHashMap<>();

	private final Object ejectionLock = new Object();

	/** The size of the last list filtered: the population the ejected share is measured against. */
	private volatile int instanceCount;

	/**
	 * Creates a detector with the {@linkplain Config#defaults() default configuration}.
	 */
	public OutlierDetector() {
		this(Config.defaults());
	}

	/**
	 * Creates a detector on {@link System#nanoTime()}.
	 * @param config the configuration
	 */
	public OutlierDetector(Config config) {
		this(config, System::nanoTime);
	}

	/**
	 * Creates a detector.
	 * @param config the configuration
	 * @param nanoClock the source of {@link System#nanoTime()}-like timestamps
	 */
	public OutlierDetector(Config config, LongSupplier nanoClock) {
		this.config = Objects.requireNonNull(config, "config");
		this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
		this.baseEjectionNanos = config.baseEjection().toNanos();
		this.maxEjectionNanos = config.maxEjection().toNanos();
	}

	/**
	 * The configuration of this detector.
	 * @return the configuration
	 */
	public Config getConfig() {
		return this.config;
	}

	/**
	 * The instances that are not ejected. When every instance in {@code instances} is ejected (for example
	 * because discovery dropped the healthy ones), all of them are returned: trying an ejected instance beats
	 * failing the call outright.
	 * @param instances the instances discovery reports
	 * @return {@code instances} itself when none of them is ejected, otherwise an immutable list of those
	 * that are not
	 */
	public List<ServiceInstance> filter(List<ServiceInstance> instances) {
		int size = instances.size();
		if (this.instanceCount != size) {
			this.instanceCount = size;
		}
		if (this.ejections.isEmpty()) {
			return instances;
		}
		expireEjections(this.nanoClock.getAsLong());
		if (this.ejections.isEmpty()) {
			return instances;
		}
		List<ServiceInstance> available = new ArrayList<>(size);
		for (ServiceInstance instance : instances) {
			if (!this.ejections.containsKey(LoadBalancer.key(instance))) {
				available.add(instance);
			}
		}
		if (available.isEmpty() || available.size() == size) {
			return instances;
		}
		return Collections.unmodifiableList(available);
	}

	/**
	 * Records how a call on {@code instance} ended.
	 * @param instance the instance that was called
	 * @param outcome how the call ended
	 */
	public void record(ServiceInstance instance, CallOutcome outcome) {
		String key = LoadBalancer.key(instance);
		InstanceState state = this.states.get(key);
		if (!outcome.isInstanceFailure()) {
			// Read before writing: the common case is an instance that has not failed, and a plain read does
			// not contend for the cache line.
			if (state != null && state.consecutiveFailures.get() != 0) {
				state.consecutiveFailures.set(0);
			}
			return;
		}
		if (state == null) {
			state = this.states.computeIfAbsent(key, (k) -> new InstanceState());
		}
		int failures = state.consecutiveFailures.incrementAndGet();
		if (failures >= this.config.consecutiveFailures()) {
			eject(key, state, failures);
		}
	}

	/**
	 * Whether any instance may be ejected now: a read without allocation, for callers that check instances one
	 * by one only when there is something to find.
	 * @return {@code false} when no instance is ejected; {@code true} when one is or was until just now
	 */
	public boolean mayHaveEjections() {
		return !this.ejections.isEmpty();
	}

	/**
	 * Whether {@code instance} is ejected now.
	 * @param instance the instance
	 * @return {@code true} if {@link #filter(List)} leaves it out
	 */
	public boolean isEjected(ServiceInstance instance) {
		Long until = this.ejections.get(LoadBalancer.key(instance));
		return until != null && until - this.nanoClock.getAsLong() > 0;
	}

	/**
	 * The {@linkplain LoadBalancer#key(ServiceInstance) keys} of the instances ejected now, for diagnostics.
	 * @return an immutable sorted set of keys
	 */
	public Set<String> ejectedKeys() {
		long now = this.nanoClock.getAsLong();
		Set<String> keys = new TreeSet<>();
		this.ejections.forEach((key, until) -> {
			if (until - now > 0) {
				keys.add(key);
			}
		});
		return Collections.unmodifiableSet(keys);
	}

	/**
	 * Forgets every instance not in {@code instances}, for example after discovery reported a change, so that
	 * instances that come and go do not accumulate and gone instances do not use up the ejected share.
	 * @param instances the instances that still exist
	 */
	public void retainAll(Collection<? extends ServiceInstance> instances) {
		Set<String> keys = new HashSet<>();
		for (ServiceInstance instance : instances) {
			keys.add(LoadBalancer.key(instance));
		}
		this.states.keySet().retainAll(keys);
		this.ejections.keySet().retainAll(keys);
	}

	private void eject(String key, InstanceState state, int failures) {
		synchronized (this.ejectionLock) {
			long now = this.nanoClock.getAsLong();
			expireEjections(now);
			if (this.ejections.containsKey(key)) {
				// Late failures of calls started before the ejection.
				state.consecutiveFailures.set(0);
				return;
			}
			if (!mayEjectOneMore()) {
				return;
			}
			int ejectionCount = state.ejectionCount;
			if (ejectionCount > 0) {
				long healthyNanos = now - state.lastEjectionEnd;
				if (healthyNanos > 0) {
					ejectionCount = (int) Math.max(0, ejectionCount - healthyNanos / this.baseEjectionNanos);
				}
			}
			ejectionCount++;
			long ejectionNanos = ejectionNanos(ejectionCount);
			state.ejectionCount = ejectionCount;
			state.lastEjectionEnd = now + ejectionNanos;
			state.consecutiveFailures.set(0);
			this.ejections.put(key, now + ejectionNanos);
			if (logger.isInfoEnabled()) {
				logger.info("Ejecting instance " + key + " for " + Duration.ofNanos(ejectionNanos) + " after "
						+ failures + " consecutive failures");
			}
		}
	}

	private boolean mayEjectOneMore() {
		int count = this.instanceCount;
		int total = (count > 0) ? count : this.states.size();
		int afterwards = this.ejections.size() + 1;
		return afterwards < total && afterwards * 100L <= (long) total * this.config.maxEjectedPercent();
	}

	private long ejectionNanos(int ejectionCount) {
		// Saturate instead of overflowing for instances ejected very many times.
		if (this.baseEjectionNanos > this.maxEjectionNanos / ejectionCount) {
			return this.maxEjectionNanos;
		}
		return Math.min(this.baseEjectionNanos * ejectionCount, this.maxEjectionNanos);
	}

	private void expireEjections(long now) {
		// Removes an entry only if its value is still the one tested, so a concurrent new ejection survives.
		this.ejections.values().removeIf((until) -> now - until >= 0);
	}

	@Override
	public String toString() {
		return "OutlierDetector[" + this.config + ", ejected=" + ejectedKeys() + "]";
	}

	private static final class InstanceState {

		private final AtomicInteger consecutiveFailures = new AtomicInteger();

		/** Guarded by the ejection lock. */
		private int ejectionCount;

		/** Guarded by the ejection lock. */
		private long lastEjectionEnd;

	}

	/**
	 * Configuration of an {@link OutlierDetector}.
	 *
	 * @param consecutiveFailures the failures in a row that eject an instance, at least 1
	 * @param baseEjection how long the first ejection lasts; each further one lasts this much longer
	 * @param maxEjection the longest an ejection lasts, at least {@code baseEjection}
	 * @param maxEjectedPercent the largest share of instances ejected at once, from 0 (never eject) to 100
	 * @author Switchboard
	 */
	public record Config(int consecutiveFailures, Duration baseEjection, Duration maxEjection,
			int maxEjectedPercent) {

		/**
		 * Default number of failures in a row that eject an instance.
		 */
		public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;

		/**
		 * Default duration of a first ejection.
		 */
		public static final Duration DEFAULT_BASE_EJECTION = Duration.ofSeconds(30);

		/**
		 * Default longest ejection.
		 */
		public static final Duration DEFAULT_MAX_EJECTION = Duration.ofMinutes(5);

		/**
		 * Default largest share of instances ejected at once.
		 */
		public static final int DEFAULT_MAX_EJECTED_PERCENT = 50;

		/**
		 * Checks the arguments.
		 * @param consecutiveFailures the failures in a row that eject an instance, at least 1
		 * @param baseEjection how long the first ejection lasts, positive
		 * @param maxEjection the longest an ejection lasts, at least {@code baseEjection}
		 * @param maxEjectedPercent the largest share of instances ejected at once, from 0 to 100
		 */
		public Config {
			Objects.requireNonNull(baseEjection, "baseEjection");
			Objects.requireNonNull(maxEjection, "maxEjection");
			if (consecutiveFailures < 1) {
				throw new IllegalArgumentException(
						"consecutiveFailures must be at least 1 but was " + consecutiveFailures);
			}
			if (baseEjection.isNegative() || baseEjection.isZero()) {
				throw new IllegalArgumentException("baseEjection must be positive but was " + baseEjection);
			}
			if (maxEjection.compareTo(baseEjection) < 0) {
				throw new IllegalArgumentException("maxEjection must be at least baseEjection (" + baseEjection
						+ ") but was " + maxEjection);
			}
			if (maxEjectedPercent < 0 || maxEjectedPercent > 100) {
				throw new IllegalArgumentException(
						"maxEjectedPercent must be between 0 and 100 but was " + maxEjectedPercent);
			}
		}

		/**
		 * The default configuration: eject after 5 failures in a row, for 30 s growing up to 5 min, at most
		 * 50% of the instances.
		 * @return the default configuration
		 */
		public static Config defaults() {
			return new Config(DEFAULT_CONSECUTIVE_FAILURES, DEFAULT_BASE_EJECTION, DEFAULT_MAX_EJECTION,
					DEFAULT_MAX_EJECTED_PERCENT);
		}

	}

}
