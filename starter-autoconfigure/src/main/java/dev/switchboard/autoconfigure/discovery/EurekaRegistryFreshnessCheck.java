package dev.switchboard.autoconfigure.discovery;

import java.time.Duration;
import java.util.List;

import com.netflix.discovery.EurekaClient;

import org.springframework.aop.TargetSource;
import org.springframework.aop.framework.Advised;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * A {@link DiscoveryClient} over Spring Cloud's Eureka client that throws when the Eureka client has not fetched
 * the registry for longer than a threshold.
 * <p>
 * Eureka's client never fails a lookup: when the server is down its background fetch fails (and is retried)
 * while lookups keep answering from the last registry copy, however old. Switchboard's cache only counts an
 * exception as an outage, so without this check an unreachable Eureka server would never show up in health
 * and max-stale would never apply. The age comes from the client itself
 * ({@code com.netflix.discovery.DiscoveryClient#getLastSuccessfulRegistryFetchTimePeriod()}).
 *
 * @author Switchboard
 */
final class EurekaRegistryFreshnessCheck implements DiscoveryClient {

	private final DiscoveryClient delegate;

	private final EurekaClient eurekaClient;

	private final Duration maxRegistryAge;

	/**
	 * Creates the check.
	 * @param delegate Spring Cloud's Eureka discovery client
	 * @param eurekaClient the Eureka client (possibly a refresh-scope proxy) that fetches the registry
	 * @param maxRegistryAge how old the registry copy may be before lookups fail
	 */
	EurekaRegistryFreshnessCheck(DiscoveryClient delegate, EurekaClient eurekaClient, Duration maxRegistryAge) {
		this.delegate = delegate;
		this.eurekaClient = eurekaClient;
		this.maxRegistryAge = maxRegistryAge;
	}

	@Override
	public String description() {
		return this.delegate.description();
	}

	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		checkRegistryAge();
		return this.delegate.getInstances(serviceId);
	}

	@Override
	public List<String> getServices() {
		checkRegistryAge();
		return this.delegate.getServices();
	}

	@Override
	public void probe() {
		checkRegistryAge();
	}

	@Override
	public int getOrder() {
		return this.delegate.getOrder();
	}

	/**
	 * The maximum age of the registry copy.
	 * @return the threshold
	 */
	Duration getMaxRegistryAge() {
		return this.maxRegistryAge;
	}

	private void checkRegistryAge() {
		com.netflix.discovery.DiscoveryClient client = netflixClient();
		if (client == null) {
			// Not Netflix's client (a user-defined EurekaClient): its age is unknown, trust its answers.
			return;
		}
		long age = client.getLastSuccessfulRegistryFetchTimePeriod();
		if (age < 0) {
			// Only the periodic fetches record their time, not the initial fetch made while the client is built.
			// Until the periodic fetches had their chance, the initial copy (possibly empty) is the answer.
			long sinceInit = System.currentTimeMillis() - client.getStats().initTimestampMs();
			if (sinceInit <= this.maxRegistryAge.toMillis()) {
				return;
			}
			throw new IllegalStateException("The Eureka client has not fetched the registry from "
					+ client.getEurekaClientConfig().getEurekaServerServiceUrls(null) + " since it started "
					+ sinceInit + " ms ago");
		}
		if (age > this.maxRegistryAge.toMillis()) {
			throw new IllegalStateException("The Eureka client's last successful registry fetch was " + age
					+ " ms ago (more than " + this.maxRegistryAge.toMillis() + " ms): the Eureka server at "
					+ client.getEurekaClientConfig().getEurekaServerServiceUrls(null) + " does not answer");
		}
	}

	private com.netflix.discovery.@org.jspecify.annotations.Nullable DiscoveryClient netflixClient() {
		Object candidate = this.eurekaClient;
		// With Spring Cloud's refresh scope the bean is a scoped proxy: ask it for the current target each time.
		while (candidate instanceof Advised advised) {
			TargetSource targetSource = advised.getTargetSource();
			try {
				candidate = targetSource.getTarget();
			}
			catch (Exception ex) {
				throw new IllegalStateException("Cannot resolve the Eureka client behind " + candidate, ex);
			}
		}
		return (candidate instanceof com.netflix.discovery.DiscoveryClient client) ? client : null;
	}

}
