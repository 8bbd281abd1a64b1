package dev.switchboard.core.discovery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * A {@link ServiceDiscovery} that answers from memory and refreshes from a {@link DiscoveryClient} in the
 * background. When the backend fails, the last instances it reported stay in use for {@code maxStale} (one
 * warning per outage); fresh answers replace them as soon as the backend answers again.
 * <p>
 * Written here rather than taken from Spring Cloud: its {@code CachingServiceInstanceListSupplier} drops
 * to an empty list when the backend fails and has no outage tracking, and Spring Cloud LoadBalancer's cache
 * is tied to its reactive pipeline.
 *
 * @author Switchboard
 */
public final class CachingServiceDiscovery implements ServiceDiscovery, AutoCloseable {

	private static final Log logger = LogFactory.getLog(CachingServiceDiscovery.class);

	private static final Duration MIN_TTL = Duration.ofSeconds(1);

	private final DiscoveryClient backendClient;

	private final String backend;

	private final Duration refreshInterval;

	private final Duration maxStale;

	private final Clock clock;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	private final List<InstanceChangeListener> listeners = new CopyOnWriteArrayList<>();

	private final Object refreshLock = new Object();

	private volatile @Nullable Outage outage;

	private @Nullable ScheduledExecutorService scheduler;

	/**
	 * Creates a view over a discovery backend; call {@link #start()} to refresh in the background.
	 * @param backendClient the backend's discovery client
	 * @param backend the backend's name, for errors and logs
	 * @param refreshInterval time between background refreshes
	 * @param maxStale how long the last known instances stay in use while the backend fails
	 * @param clock the clock used to age entries
	 */
	public CachingServiceDiscovery(DiscoveryClient backendClient, String backend, Duration refreshInterval,
			Duration maxStale, Clock clock) {
		if (refreshInterval.isNegative() || refreshInterval.isZero()) {
			throw new IllegalArgumentException("refreshInterval must be positive but was " + refreshInterval);
		}
		if (maxStale.isNegative()) {
			throw new IllegalArgumentException("maxStale must not be negative but was " + maxStale);
		}
		this.backendClient = backendClient;
		this.backend = backend;
		this.refreshInterval = refreshInterval;
		this.maxStale = maxStale;
		this.clock = clock;
	}

	/**
	 * Starts refreshing every known service in the background.
	 */
	public synchronized void start() {
		if (this.scheduler == null) {
			ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "switchboard-discovery-" + this.backend);
				thread.setDaemon(true);
				return thread;
			});
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
	}

	@Override
	public String backend() {
		return this.backend;
	}

	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		Entry entry = this.entries.get(serviceId);
		if (entry == null) {
			// The first lookup of a service waits for the backend; later ones never do.
			entry = this.entries.computeIfAbsent(serviceId, this::firstLookup);
		}
		return entry.instances();
	}

	/**
	 * The services looked up so far, with their current instances.
	 * @return an immutable copy of the cache
	 */
	public Map<String, List<ServiceInstance>> snapshot() {
		Map<String, List<ServiceInstance>> copy = new java.util.TreeMap<>();
		this.entries.forEach((id, entry) -> copy.put(id, entry.instances()));
		return java.util.Collections.unmodifiableMap(copy);
	}

	/**
	 * Whether the backend answered the most recent lookup.
	 * @return {@code false} during an outage
	 */
	public boolean isBackendAvailable() {
		return this.outage == null;
	}

	/**
	 * The failure that started the current outage, if any.
	 * @return the failure, or {@code null} when the backend is available
	 */
	public @Nullable Throwable getOutageCause() {
		Outage current = this.outage;
		return (current != null) ? current.cause() : null;
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
	 * Registers a listener told about every change of a service's instances.
	 * @param listener the listener
	 */
	public void addListener(InstanceChangeListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Asks the backend again for every known service now, for example when a registry watch reports a change.
	 */
	public void refresh() {
		synchronized (this.refreshLock) {
			for (String serviceId : this.entries.keySet()) {
				refresh(serviceId);
			}
		}
	}

	private void scheduleNextRefresh(ScheduledExecutorService executor) {
		if (!executor.isShutdown()) {
			executor.schedule(() -> {
				refreshSafely();
				scheduleNextRefresh(executor);
			}, nextRefreshDelay().toMillis(), TimeUnit.MILLISECONDS);
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

	private void refresh(String serviceId) {
		Entry previous = this.entries.get(serviceId);
		Instant now = this.clock.instant();
		Entry next;
		try {
			next = new Entry(fetch(serviceId), now);
			backendAnswered();
		}
		catch (RuntimeException ex) {
			backendFailed(ex, now);
			next = expireIfTooOld(serviceId, previous, now);
		}
		if (next != previous) {
			this.entries.put(serviceId, next);
			if (previous == null || !previous.instances().equals(next.instances())) {
				notifyListeners(serviceId, next.instances());
			}
		}
	}

	private Entry firstLookup(String serviceId) {
		Instant now = this.clock.instant();
		try {
			Entry entry = new Entry(fetch(serviceId), now);
			backendAnswered();
			return entry;
		}
		catch (RuntimeException ex) {
			backendFailed(ex, now);
			// Never answered: nothing to fall back on. The background refresh keeps trying.
			return new Entry(List.of(), null);
		}
	}

	private List<ServiceInstance> fetch(String serviceId) {
		List<ServiceInstance> instances = this.backendClient.getInstances(serviceId);
		return (instances != null) ? List.copyOf(instances) : List.of();
	}

	private @Nullable Entry expireIfTooOld(String serviceId, @Nullable Entry previous, Instant now) {
		if (previous == null || previous.fetchedAt() == null || previous.instances().isEmpty()) {
			return previous;
		}
		if (previous.fetchedAt().plus(this.maxStale).isBefore(now)) {
			logger.warn("Discovery backend '" + this.backend + "' has not answered for longer than max-stale ("
					+ this.maxStale + "): dropping the last known instances of '" + serviceId + "'");
			return new Entry(List.of(), previous.fetchedAt());
		}
		return previous;
	}

	private void backendAnswered() {
		Outage ended = this.outage;
		if (ended != null) {
			this.outage = null;
			logger.info("Discovery backend '" + this.backend + "' answers again after an outage that started at "
					+ ended.since());
		}
	}

	private void backendFailed(RuntimeException ex, Instant now) {
		if (this.outage == null) {
			this.outage = new Outage(now, ex);
			logger.warn("Discovery backend '" + this.backend + "' failed; calls use the last known instances for up to "
					+ this.maxStale + ": " + ex);
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

	@Override
	public String toString() {
		return "CachingServiceDiscovery[backend=" + this.backend + ", services=" + this.entries.keySet() + "]";
	}

	private record Entry(List<ServiceInstance> instances, @Nullable Instant fetchedAt) {

		Entry {
			Objects.requireNonNull(instances, "instances");
		}

	}

	private record Outage(Instant since, Throwable cause) {
	}

}
