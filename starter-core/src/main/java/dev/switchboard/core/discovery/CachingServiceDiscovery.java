package dev.switchboard.core.discovery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * A {@link ServiceDiscovery} that answers from memory and refreshes from a {@link DiscoveryClient} in the
 * background.
 * <p>
 * No thread waits on the backend for longer than the lookup timeout: lookups run on a small pool of their own,
 * and callers wait for their answer with a deadline. A caller waits only for the first answer about a service;
 * later calls read memory. A refresh waits for all its lookups together, at most the lookup timeout, then
 * abandons those that did not answer (counted as an outage) so that the next refresh runs on time. An abandoned
 * lookup that answers later still updates the cache, unless a newer answer came first.
 * <p>
 * When the backend fails or does not answer in time, the last instances it reported stay in use for as long as
 * the outage lasts, unless {@code maxStale} is set: then they are dropped once they are older than that. A
 * positive empty answer (the backend says the service has no instance) always empties the list. Fresh answers
 * replace the last known instances as soon as the backend answers again.
 * <p>
 * Written here rather than taken from Spring Cloud: its {@code CachingServiceInstanceListSupplier} drops to an
 * empty list when the backend fails, has no outage tracking and no lookup deadline, and Spring Cloud
 * LoadBalancer's cache is tied to its reactive pipeline.
 *
 * @author Switchboard
 */
public final class CachingServiceDiscovery implements ServiceDiscovery, AutoCloseable {

	private static final Log logger = LogFactory.getLog(CachingServiceDiscovery.class);

	private static final Duration MIN_TTL = Duration.ofSeconds(1);

	/**
	 * Threads that may run lookups at once. Bounds the threads a backend without timeouts of its own can hold:
	 * a lookup that never returns keeps its thread, and once all are taken, further lookups queue and time out.
	 */
	static final int LOOKUP_THREADS = 4;

	/**
	 * Lookups that may wait for a thread; beyond that a lookup fails at once (and counts as an outage).
	 */
	static final int LOOKUP_QUEUE = 256;

	private final DiscoveryClient backendClient;

	private final String backend;

	private final Duration refreshInterval;

	private final Duration lookupTimeout;

	private final @Nullable Duration maxStale;

	private final Clock clock;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	private final Map<String, Lookup> inFlight = new ConcurrentHashMap<>();

	private final List<InstanceChangeListener> listeners = new CopyOnWriteArrayList<>();

	private final AtomicLong lookupSequence = new AtomicLong();

	private final Object applyLock = new Object();

	private final ThreadPoolExecutor lookups;

	private volatile @Nullable Outage outage;

	private @Nullable ScheduledExecutorService scheduler;

	/**
	 * Creates a view over a discovery backend; call {@link #start()} to refresh in the background.
	 * @param backendClient the backend's discovery client
	 * @param backend the backend's name, for errors and logs
	 * @param refreshInterval time between background refreshes
	 * @param lookupTimeout longest time a caller or a refresh waits for the backend to answer a lookup
	 * @param maxStale how long the last known instances stay in use while the backend fails, or {@code null} to
	 * keep them for as long as the outage lasts
	 * @param clock the clock used to age entries
	 */
	public CachingServiceDiscovery(DiscoveryClient backendClient, String backend, Duration refreshInterval,
			Duration lookupTimeout, @Nullable Duration maxStale, Clock clock) {
		requirePositive("refreshInterval", refreshInterval);
		requirePositive("lookupTimeout", lookupTimeout);
		if (maxStale != null && maxStale.isNegative()) {
			throw new IllegalArgumentException("maxStale must not be negative but was " + maxStale);
		}
		this.backendClient = backendClient;
		this.backend = backend;
		this.refreshInterval = refreshInterval;
		this.lookupTimeout = lookupTimeout;
		this.maxStale = maxStale;
		this.clock = clock;
		this.lookups = new ThreadPoolExecutor(LOOKUP_THREADS, LOOKUP_THREADS, 30, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(LOOKUP_QUEUE), daemonThreads("switchboard-discovery-lookup-" + backend));
		this.lookups.allowCoreThreadTimeOut(true);
	}

	private static void requirePositive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive but was " + value);
		}
	}

	/**
	 * Starts refreshing every known service in the background.
	 */
	public synchronized void start() {
		if (this.scheduler == null) {
			ScheduledExecutorService executor = Executors
				.newSingleThreadScheduledExecutor(daemonThreads("switchboard-discovery-" + this.backend));
			this.scheduler = executor;
			scheduleNextRefresh(executor);
		}
	}

	@Override
	public synchronized void close() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
		// Interrupts lookups that are stuck in the backend; those that ignore interrupts end with their sockets.
		this.lookups.shutdownNow();
	}

	@Override
	public String backend() {
		return this.backend;
	}

	/**
	 * The instances of a service: from memory, except for the first lookup of a service, which waits for the
	 * backend for at most the lookup timeout and answers an empty list when the backend did not answer (the
	 * background refresh keeps asking).
	 * @param serviceId the service id
	 * @return the instances, possibly empty
	 */
	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		Entry entry = this.entries.get(serviceId);
		if (entry != null) {
			return entry.instances();
		}
		Instant now = this.clock.instant();
		Lookup lookup = lookup(serviceId);
		if (!await(lookup, System.nanoTime() + this.lookupTimeout.toNanos())) {
			timedOut(serviceId, lookup, now);
		}
		// Never answered: remember the service with no instances, so that the refresh keeps asking for it and
		// later calls do not wait again.
		entry = this.entries.computeIfAbsent(serviceId, (id) -> new Entry(List.of(), null, 0));
		return entry.instances();
	}

	/**
	 * The services looked up so far, with their current instances.
	 * @return an immutable copy of the cache
	 */
	public Map<String, List<ServiceInstance>> snapshot() {
		Map<String, List<ServiceInstance>> copy = new TreeMap<>();
		this.entries.forEach((id, entry) -> copy.put(id, entry.instances()));
		return Collections.unmodifiableMap(copy);
	}

	/**
	 * Whether the backend answered the most recent lookup.
	 * @return {@code false} during an outage
	 */
	public boolean isBackendAvailable() {
		return this.outage == null;
	}

	/**
	 * The most recent failure of the current outage, if any: an exception of the backend, or a
	 * {@link DiscoveryLookupTimeoutException} when it did not answer in time.
	 * @return the failure, or {@code null} when the backend is available
	 */
	public @Nullable Throwable getOutageCause() {
		Outage current = this.outage;
		return (current != null) ? current.lastError() : null;
	}

	/**
	 * When the current outage started, if any.
	 * @return the start of the outage, or {@code null} when the backend is available
	 */
	public @Nullable Instant getOutageStart() {
		Outage current = this.outage;
		return (current != null) ? current.since() : null;
	}

	/**
	 * How long the last known instances stay in use during an outage.
	 * @return the maximum age, or {@code null} when they stay in use for as long as the outage lasts
	 */
	public @Nullable Duration getMaxStale() {
		return this.maxStale;
	}

	/**
	 * The longest time a caller or a refresh waits for the backend.
	 * @return the lookup timeout
	 */
	public Duration getLookupTimeout() {
		return this.lookupTimeout;
	}

	/**
	 * Registers a listener told about every change of a service's instances.
	 * @param listener the listener
	 */
	public void addListener(InstanceChangeListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Asks the backend again for every known service now, for example when a registry watch reports a change,
	 * and waits for the answers for at most the lookup timeout in all. Lookups that did not answer by then are
	 * abandoned and count as an outage.
	 */
	public void refresh() {
		Instant now = this.clock.instant();
		long deadline = System.nanoTime() + this.lookupTimeout.toNanos();
		Map<String, Lookup> started = new LinkedHashMap<>();
		for (String serviceId : this.entries.keySet()) {
			started.put(serviceId, lookup(serviceId));
		}
		started.forEach((serviceId, lookup) -> {
			if (!await(lookup, deadline)) {
				timedOut(serviceId, lookup, now);
			}
		});
	}

	/**
	 * Asks the backend again for one known service now, for example when a watch of that service reports a
	 * change, and waits for the answer for at most the lookup timeout. A service not looked up before is ignored.
	 * @param serviceId the service id
	 */
	public void refresh(String serviceId) {
		if (!this.entries.containsKey(serviceId)) {
			return;
		}
		Instant now = this.clock.instant();
		Lookup lookup = lookup(serviceId);
		if (!await(lookup, System.nanoTime() + this.lookupTimeout.toNanos())) {
			timedOut(serviceId, lookup, now);
		}
	}

	private void scheduleNextRefresh(ScheduledExecutorService executor) {
		if (!executor.isShutdown()) {
			try {
				executor.schedule(() -> {
					refreshSafely();
					scheduleNextRefresh(executor);
				}, nextRefreshDelay().toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// Closed meanwhile.
			}
		}
	}

	/**
	 * The time until the next refresh: the refresh interval, or the shortest TTL the backend reported when that
	 * is shorter. TTLs under a second (DNS servers such as dnsmasq and Docker's answer with TTL 0) mean "do not
	 * cache" rather than "ask continuously", so they do not shorten the interval.
	 * @return the delay before the next refresh
	 */
	Duration nextRefreshDelay() {
		Duration delay = this.refreshInterval;
		if (this.backendClient instanceof TtlReporting ttls) {
			for (String serviceId : this.entries.keySet()) {
				Duration ttl = ttls.lastTtl(serviceId).orElse(null);
				if (ttl != null && ttl.compareTo(MIN_TTL) >= 0 && ttl.compareTo(delay) < 0) {
					delay = ttl;
				}
			}
		}
		return delay;
	}

	private void refreshSafely() {
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			logger.error("Unexpected failure refreshing discovery backend '" + this.backend + "'", ex);
		}
	}

	/**
	 * The lookup of a service that is running, or a new one. A lookup still running after the lookup timeout is
	 * abandoned for a new one: its thread stays busy until the backend lets go, which the pool's size bounds.
	 */
	private Lookup lookup(String serviceId) {
		long now = System.nanoTime();
		while (true) {
			Lookup running = this.inFlight.get(serviceId);
			if (running != null && now - running.startedAt() < this.lookupTimeout.toNanos()) {
				return running;
			}
			Lookup created = new Lookup(this.lookupSequence.incrementAndGet(), now, new CompletableFuture<>());
			boolean won = (running != null) ? this.inFlight.replace(serviceId, running, created)
					: this.inFlight.putIfAbsent(serviceId, created) == null;
			if (won) {
				submit(serviceId, created);
				return created;
			}
		}
	}

	private void submit(String serviceId, Lookup lookup) {
		try {
			this.lookups.execute(() -> runLookup(serviceId, lookup));
		}
		catch (RejectedExecutionException ex) {
			String reason = this.lookups.isShutdown() ? "discovery is closed"
					: "all " + LOOKUP_THREADS + " lookup threads are busy and " + LOOKUP_QUEUE
							+ " lookups wait: the backend does not answer";
			failed(serviceId, lookup, new IllegalStateException("Cannot look up service '" + serviceId
					+ "' in discovery backend '" + this.backend + "': " + reason, ex), this.clock.instant());
		}
	}

	private void runLookup(String serviceId, Lookup lookup) {
		if (this.inFlight.get(serviceId) != lookup) {
			// Given up while it waited for a thread: a newer lookup of the service replaced it.
			return;
		}
		try {
			List<ServiceInstance> instances = fetch(serviceId);
			apply(serviceId, lookup, instances, this.clock.instant());
			backendAnswered();
			finish(serviceId, lookup);
		}
		catch (RuntimeException ex) {
			failed(serviceId, lookup, ex, this.clock.instant());
		}
		catch (Error ex) {
			failed(serviceId, lookup, new IllegalStateException("Discovery lookup of '" + serviceId + "' failed", ex),
					this.clock.instant());
			throw ex;
		}
	}

	/**
	 * Ends a lookup for its waiters. It leaves the in-flight map first, so that a waiter that wakes up and asks
	 * again starts a new lookup instead of joining the finished one.
	 */
	private void finish(String serviceId, Lookup lookup) {
		this.inFlight.remove(serviceId, lookup);
		lookup.done().complete(null);
	}

	private List<ServiceInstance> fetch(String serviceId) {
		List<ServiceInstance> instances = this.backendClient.getInstances(serviceId);
		return (instances != null) ? List.copyOf(instances) : List.of();
	}

	private boolean await(Lookup lookup, long deadlineNanos) {
		try {
			lookup.done().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (ExecutionException ex) {
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return true;
		}
	}

	private void apply(String serviceId, Lookup lookup, List<ServiceInstance> instances, Instant now) {
		synchronized (this.applyLock) {
			Entry previous = this.entries.get(serviceId);
			if (previous != null && previous.sequence() > lookup.sequence()) {
				// A newer lookup answered first: this answer is older than what the cache holds.
				return;
			}
			this.entries.put(serviceId, new Entry(instances, now, lookup.sequence()));
			if (previous == null || !previous.instances().equals(instances)) {
				notifyListeners(serviceId, instances);
			}
		}
	}

	private void timedOut(String serviceId, Lookup lookup, Instant now) {
		failed(serviceId, lookup, new DiscoveryLookupTimeoutException(serviceId, this.backend, this.lookupTimeout),
				now);
	}

	private void failed(String serviceId, Lookup lookup, RuntimeException ex, Instant now) {
		backendFailed(ex, now);
		expireIfTooOld(serviceId, now);
		finish(serviceId, lookup);
	}

	private void expireIfTooOld(String serviceId, Instant now) {
		Duration limit = this.maxStale;
		if (limit == null) {
			return;
		}
		synchronized (this.applyLock) {
			Entry previous = this.entries.get(serviceId);
			if (previous == null || previous.fetchedAt() == null || previous.instances().isEmpty()) {
				return;
			}
			if (previous.fetchedAt().plus(limit).isBefore(now)) {
				logger.warn("Discovery backend '" + this.backend + "' has not answered for longer than max-stale ("
						+ limit + "): dropping the last known instances of '" + serviceId + "'");
				this.entries.put(serviceId, new Entry(List.of(), previous.fetchedAt(), previous.sequence()));
				notifyListeners(serviceId, List.of());
			}
		}
	}

	private void backendAnswered() {
		Outage ended = this.outage;
		if (ended != null) {
			this.outage = null;
			logger.info("Discovery backend '" + this.backend + "' answers again after an outage that started at "
					+ ended.since());
		}
	}

	private synchronized void backendFailed(RuntimeException ex, Instant now) {
		Outage current = this.outage;
		if (current == null) {
			this.outage = new Outage(now, ex);
			String kept = (this.maxStale != null) ? "for up to " + this.maxStale : "until it answers again";
			logger.warn("Discovery backend '" + this.backend + "' failed; calls use the last known instances " + kept
					+ ": " + ex);
		}
		else {
			this.outage = new Outage(current.since(), ex);
		}
	}

	private void notifyListeners(String serviceId, List<ServiceInstance> instances) {
		for (InstanceChangeListener listener : this.listeners) {
			try {
				listener.instancesChanged(serviceId, instances);
			}
			catch (RuntimeException ex) {
				logger.warn("Instance change listener failed for service '" + serviceId + "'", ex);
			}
		}
	}

	private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	@Override
	public String toString() {
		return "CachingServiceDiscovery[backend=" + this.backend + ", services=" + this.entries.keySet() + "]";
	}

	/**
	 * What the cache holds for a service.
	 *
	 * @param instances the instances calls use
	 * @param fetchedAt when the backend gave them, or {@code null} if it never answered
	 * @param sequence the lookup that gave them, so that a late answer never replaces a newer one
	 */
	private record Entry(List<ServiceInstance> instances, @Nullable Instant fetchedAt, long sequence) {

		Entry {
			Objects.requireNonNull(instances, "instances");
		}

	}

	/**
	 * A lookup on its way to the backend.
	 *
	 * @param sequence its place in the order lookups started
	 * @param startedAt when it started ({@link System#nanoTime()})
	 * @param done completed once it answered, failed or was given up
	 */
	private record Lookup(long sequence, long startedAt, CompletableFuture<@Nullable Void> done) {
	}

	private record Outage(Instant since, Throwable lastError) {
	}

}
