package dev.switchboard.autoconfigure.discovery;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.switchboard.core.discovery.CachingServiceDiscovery;
import dev.switchboard.core.discovery.InstanceChangeListener;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.cloud.consul.model.http.health.HealthService;
import org.springframework.http.ResponseEntity;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Brings health-status changes of Consul services into Switchboard's cache as they happen: one blocking query
 * on {@code /v1/health/service/<name>} per service the application calls, which Consul answers as soon as the
 * service's health index moves (an instance registered or deregistered, a check turned critical or passing).
 * <p>
 * Spring Cloud Consul's catalog watch cannot do this: {@code /v1/catalog/services} changes with registrations
 * only, so a failing check used to reach the cache on the next periodic refresh. Each watched service holds one
 * daemon thread in its blocking query; at most {@value #MAX_WATCHED} services are watched, the rest keep the
 * catalog watch and the periodic refresh. Errors are retried with Spring's exponential back-off (at most 5 s);
 * the cache itself notices outages through its own lookups.
 *
 * @author Switchboard
 */
final class ConsulHealthWatch implements InstanceChangeListener, SmartInitializingSingleton, DisposableBean {

	static final int MAX_WATCHED = 64;

	private static final Log logger = LogFactory.getLog(ConsulHealthWatch.class);

	private final ConsulClient client;

	private final ConsulDiscoveryProperties properties;

	private final ObjectProvider<ServiceDiscovery> discovery;

	private final Map<String, Boolean> watched = new ConcurrentHashMap<>();

	private final AtomicInteger threads = new AtomicInteger();

	private final ExecutorService executor = Executors.newCachedThreadPool((runnable) -> {
		Thread thread = new Thread(runnable, "switchboard-consul-health-watch-" + this.threads.incrementAndGet());
		thread.setDaemon(true);
		return thread;
	});

	private volatile @Nullable CachingServiceDiscovery target;

	private final Duration wait;

	private volatile boolean closed;

	/**
	 * Creates the watch.
	 * @param client Spring Cloud Consul's client, whose read timeout exceeds {@code wait}
	 * @param properties Spring Cloud Consul's discovery properties (passing-only, ACL token, query tags)
	 * @param discovery the discovery view to refresh
	 * @param wait how long Consul holds a blocking query without change
	 */
	ConsulHealthWatch(ConsulClient client, ConsulDiscoveryProperties properties,
			ObjectProvider<ServiceDiscovery> discovery, Duration wait) {
		this.wait = wait;
		this.client = client;
		this.properties = properties;
		this.discovery = discovery;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.discovery.getIfAvailable() instanceof CachingServiceDiscovery caching) {
			this.target = caching;
			caching.addListener(this);
			caching.snapshot().keySet().forEach(this::watch);
		}
	}

	@Override
	public void instancesChanged(String serviceId, List<ServiceInstance> instances) {
		watch(serviceId);
	}

	private void watch(String serviceId) {
		if (this.closed || this.watched.containsKey(serviceId) || this.watched.size() >= MAX_WATCHED) {
			return;
		}
		if (this.watched.putIfAbsent(serviceId, Boolean.TRUE) == null) {
			try {
				this.executor.execute(() -> run(serviceId));
			}
			catch (RejectedExecutionException ex) {
				// Closed meanwhile.
			}
		}
	}

	private void run(String serviceId) {
		long index = 0;
		BackOffExecution retries = null;
		String token = this.properties.getAclToken();
		String[] tags = this.properties.getQueryTagsForService(serviceId);
		List<String> tagList = (tags != null) ? Arrays.asList(tags) : null;
		while (!this.closed) {
			try {
				ResponseEntity<List<HealthService>> response = this.client.getHealthServices(serviceId,
						this.properties.isQueryPassing(), token, tagList,
						new ConsulClient.QueryParams(this.wait.toSeconds(), index));
				long next = consulIndex(response);
				if (index != 0 && next != index) {
					refresh(serviceId);
				}
				// Consul's advice: an index that went backwards (the agent lost its state) starts over from 0.
				index = (next > 0 && next >= index) ? next : 0;
				retries = null;
			}
			catch (RuntimeException ex) {
				if (this.closed) {
					return;
				}
				if (retries == null) {
					ExponentialBackOff backOff = new ExponentialBackOff(200, 2);
					backOff.setMaxInterval(5000);
					retries = backOff.start();
				}
				long delay = retries.nextBackOff();
				logger.debug("Consul health watch of '" + serviceId + "' failed, again in " + delay + " ms: " + ex);
				index = 0;
				sleep(delay);
			}
		}
	}

	private void refresh(String serviceId) {
		CachingServiceDiscovery caching = this.target;
		if (caching != null) {
			caching.refresh(serviceId);
		}
	}

	private static long consulIndex(ResponseEntity<?> response) {
		String header = response.getHeaders().getFirst("X-Consul-Index");
		try {
			return (header != null) ? Long.parseUnsignedLong(header.trim()) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static void sleep(long millis) {
		try {
			TimeUnit.MILLISECONDS.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void destroy() {
		this.closed = true;
		// Interrupts the blocking queries; those the HTTP client does not interrupt end with its read timeout.
		this.executor.shutdownNow();
	}

}
