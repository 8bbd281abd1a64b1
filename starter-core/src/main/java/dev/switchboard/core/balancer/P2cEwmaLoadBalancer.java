package dev.switchboard.core.balancer;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Power of two choices over a peak-sensitive latency average, as in Finagle's and Linkerd's "peak EWMA"
 * balancers. Each call draws two distinct instances at random and takes the one with the lower cost, where
 * the cost is the instance's latency average multiplied by its calls in flight plus one.
 * <p>
 * The latency average follows every sample above it at once, so an instance that turns slow loses traffic
 * immediately, and takes lower samples in with a weight that depends on the time since the previous sample
 * (time constant {@code decay}). Between samples it decays towards zero, so an instance left alone because it
 * was slow is tried again after a while instead of being starved forever. Failed calls count as samples of at
 * least {@code failurePenalty}, so an instance that fails fast does not look fast.
 * <p>
 * An instance without samples costs nothing while it has no call in flight, so new instances are tried at
 * once; with calls in flight it costs as much as a failure, so a cold instance is not flooded before its
 * first answer.
 * <p>
 * Choosing reads two atomics per candidate and never blocks; outcomes update the instance's state with a
 * compare-and-set.
 *
 * @author Switchboard
 */
public final class P2cEwmaLoadBalancer implements LoadBalancer {

	/**
	 * Default time constant of the latency average.
	 */
	public static final Duration DEFAULT_DECAY = Duration.ofSeconds(10);

	/**
	 * Default latency counted for a failed call.
	 */
	public static final Duration DEFAULT_FAILURE_PENALTY = Duration.ofSeconds(1);

	private final double decayNanos;

	private final long failurePenaltyNanos;

	private final LongSupplier nanoClock;

	private final Map<String, InstanceState> states = new ConcurrentHashMap<>();

	/**
	 * Creates a balancer with the default decay (10 s) and failure penalty (1 s), on {@link System#nanoTime()}.
	 */
	public P2cEwmaLoadBalancer() {
		this(DEFAULT_DECAY, DEFAULT_FAILURE_PENALTY, System::nanoTime);
	}

	/**
	 * Creates a balancer.
	 * @param decay the time constant of the latency average: the older a sample, the less it weighs
	 * @param failurePenalty the least latency counted for a call that failed because of the instance
	 * @param nanoClock the source of {@link System#nanoTime()}-like timestamps
	 */
	public P2cEwmaLoadBalancer(Duration decay, Duration failurePenalty, LongSupplier nanoClock) {
		Objects.requireNonNull(decay, "decay");
		Objects.requireNonNull(failurePenalty, "failurePenalty");
		Objects.requireNonNull(nanoClock, "nanoClock");
		if (decay.isNegative() || decay.isZero()) {
			throw new IllegalArgumentException("decay must be positive but was " + decay);
		}
		if (failurePenalty.isNegative() || failurePenalty.isZero()) {
			throw new IllegalArgumentException("failurePenalty must be positive but was " + failurePenalty);
		}
		this.decayNanos = decay.toNanos();
		this.failurePenaltyNanos = failurePenalty.toNanos();
		this.nanoClock = nanoClock;
	}

	@Override
	public ServiceInstance choose(List<ServiceInstance> instances) {
		int size = instances.size();
		if (size == 1) {
			return instances.get(0);
		}
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int first = random.nextInt(size);
		// Draw the second from the remaining size - 1 indexes so the two are always distinct.
		int second = random.nextInt(size - 1);
		if (second >= first) {
			second++;
		}
		ServiceInstance a = instances.get(first);
		ServiceInstance b = instances.get(second);
		long now = this.nanoClock.getAsLong();
		return (cost(b, now) < cost(a, now)) ? b : a;
	}

	@Override
	public void onStart(ServiceInstance instance) {
		String key = LoadBalancer.key(instance);
		InstanceState state = this.states.get(key);
		if (state == null) {
			state = this.states.computeIfAbsent(key, (k) -> new InstanceState());
		}
		state.inFlight.incrementAndGet();
	}

	@Override
	public void onComplete(ServiceInstance instance, long latencyNanos, CallOutcome outcome) {
		InstanceState state = this.states.get(LoadBalancer.key(instance));
		if (state == null) {
			// Forgotten by retainAll while the call was in flight: the instance is gone.
			return;
		}
		state.inFlight.getAndUpdate((count) -> (count > 0) ? count - 1 : 0);
		long sample = Math.max(latencyNanos, 0);
		if (outcome.isInstanceFailure()) {
			sample = Math.max(sample, this.failurePenaltyNanos);
		}
		state.observe(sample, this.nanoClock.getAsLong(), this.decayNanos);
	}

	/**
	 * Forgets the state of every instance not in {@code instances}, for example after discovery reported a
	 * change, so that instances that come and go do not accumulate.
	 * @param instances the instances that still exist
	 */
	public void retainAll(Collection<? extends ServiceInstance> instances) {
		Set<String> keys = new HashSet<>();
		for (ServiceInstance instance : instances) {
			keys.add(LoadBalancer.key(instance));
		}
		this.states.keySet().retainAll(keys);
	}

	/**
	 * The current load of every instance that has been called, by {@link LoadBalancer#key(ServiceInstance) key},
	 * for diagnostics.
	 * @return an immutable snapshot sorted by key
	 */
	public Map<String, InstanceLoad> snapshot() {
		long now = this.nanoClock.getAsLong();
		Map<String, InstanceLoad> snapshot = new TreeMap<>();
		this.states.forEach((key, state) -> snapshot.put(key, state.load(now, this.decayNanos,
				this.failurePenaltyNanos)));
		return Collections.unmodifiableMap(snapshot);
	}

	private double cost(ServiceInstance instance, long now) {
		InstanceState state = this.states.get(LoadBalancer.key(instance));
		return (state != null) ? state.cost(now, this.decayNanos, this.failurePenaltyNanos) : 0.0;
	}

	@Override
	public String toString() {
		return "p2c-ewma";
	}

	/**
	 * The load of one instance as the balancer sees it.
	 *
	 * @param latencyNanos the latency average now, in nanoseconds, or {@code 0} before the first sample
	 * @param inFlight the calls started and not yet completed
	 * @param cost the cost compared when choosing: lower wins
	 * @author Switchboard
	 */
	public record InstanceLoad(double latencyNanos, int inFlight, double cost) {
	}

	private static final class InstanceState {

		private final AtomicInteger inFlight = new AtomicInteger();

		private final AtomicReference<Estimate> estimate = new AtomicReference<>(Estimate.NONE);

		void observe(long sample, long now, double decayNanos) {
			Estimate previous;
			Estimate next;
			do {
				previous = this.estimate.get();
				next = previous.observe(sample, now, decayNanos);
			}
			while (!this.estimate.compareAndSet(previous, next));
		}

		double cost(long now, double decayNanos, long failurePenaltyNanos) {
			int pending = this.inFlight.get();
			Estimate current = this.estimate.get();
			if (current == Estimate.NONE) {
				return (pending == 0) ? 0.0 : (double) failurePenaltyNanos * (pending + 1);
			}
			return current.at(now, decayNanos) * (pending + 1);
		}

		InstanceLoad load(long now, double decayNanos, long failurePenaltyNanos) {
			Estimate current = this.estimate.get();
			double latency = (current != Estimate.NONE) ? current.at(now, decayNanos) : 0.0;
			return new InstanceLoad(latency, this.inFlight.get(), cost(now, decayNanos, failurePenaltyNanos));
		}

	}

	/**
	 * A latency average and the time it was last updated; immutable so that readers never see half an update.
	 */
	private record Estimate(double nanos, long stamp) {

		/** Before the first sample; compared by identity. */
		static final Estimate NONE = new Estimate(0.0, 0L);

		double at(long now, double decayNanos) {
			long elapsed = now - this.stamp;
			return (elapsed <= 0) ? this.nanos : this.nanos * Math.exp(-elapsed / decayNanos);
		}

		Estimate observe(long sample, long now, double decayNanos) {
			if (this == NONE) {
				return new Estimate(sample, now);
			}
			long elapsed = Math.max(now - this.stamp, 0);
			double weight = Math.exp(-elapsed / decayNanos);
			double decayed = this.nanos * weight;
			// Peak-sensitive: a slower sample replaces the average at once, faster ones are blended in.
			double next = (sample > decayed) ? sample : decayed + sample * (1.0 - weight);
			return new Estimate(next, Math.max(now, this.stamp));
		}

	}

}
