package dev.switchboard.autoconfigure.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.channel.ChannelListenerRegistry;
import dev.switchboard.autoconfigure.channel.ChannelRegistry;
import dev.switchboard.autoconfigure.channel.ChannelSettings;
import dev.switchboard.autoconfigure.channel.MessageOutbox;
import dev.switchboard.autoconfigure.client.ClientBalancers;
import dev.switchboard.autoconfigure.client.ClientSettings;
import dev.switchboard.autoconfigure.client.ClientStatistics;
import dev.switchboard.autoconfigure.client.ServiceClientProperties;
import dev.switchboard.autoconfigure.client.ServiceClientRegistry;
import dev.switchboard.autoconfigure.client.ServiceClientRuntime;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.balancer.OutlierDetector;
import dev.switchboard.core.balancer.P2cEwmaLoadBalancer;
import dev.switchboard.core.balancer.ZoneAwareLoadBalancer;
import dev.switchboard.core.channel.ChannelDestination;
import dev.switchboard.core.channel.IdempotentConsumer;
import dev.switchboard.core.channel.Subscription;
import dev.switchboard.core.discovery.CachingServiceDiscovery;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The {@code switchboard} actuator endpoint: each service client with its instances as its balancer sees them,
 * ejected instances, circuit breaker state and counters; each channel with its binder and destinations; and
 * the state of discovery. Credentials never appear: secret metadata is masked and user information is removed
 * from URLs.
 *
 * @author Switchboard
 */
@Endpoint(id = "switchboard")
public class SwitchboardEndpoint {

	private final @Nullable ServiceClientProperties clientProperties;

	private final @Nullable ServiceClientRegistry clientRegistry;

	private final @Nullable ServiceClientRuntimes runtimes;

	private final @Nullable ServiceDiscovery discovery;

	private final @Nullable ChannelRegistry channelRegistry;

	private final @Nullable ChannelListenerRegistry listenerRegistry;

	private final Function<String, @Nullable String> circuitBreakerStates;

	private final Function<String, @Nullable LoadBalancer> grpcBalancers;

	private final @Nullable MessageOutbox outbox;

	/**
	 * Creates the endpoint; each part is optional, and missing parts are reported empty.
	 * @param clientProperties the client properties
	 * @param clientRegistry the registered service clients
	 * @param runtimes the runtimes of REST clients
	 * @param discovery the discovery view
	 * @param channelRegistry the channels
	 * @param listenerRegistry the listener subscriptions
	 * @param circuitBreakerStates the state of a client's circuit breaker, or {@code null} if it has none
	 * @param grpcBalancers the balancer of a gRPC client's channel, or {@code null} if it has none yet
	 */
	public SwitchboardEndpoint(@Nullable ServiceClientProperties clientProperties,
			@Nullable ServiceClientRegistry clientRegistry, @Nullable ServiceClientRuntimes runtimes,
			@Nullable ServiceDiscovery discovery, @Nullable ChannelRegistry channelRegistry,
			@Nullable ChannelListenerRegistry listenerRegistry, Function<String, @Nullable String> circuitBreakerStates,
			Function<String, @Nullable LoadBalancer> grpcBalancers) {
		this(clientProperties, clientRegistry, runtimes, discovery, channelRegistry, listenerRegistry,
				circuitBreakerStates, grpcBalancers, null);
	}

	/**
	 * Creates the endpoint with the transactional outbox's state per channel.
	 * @param clientProperties the client properties
	 * @param clientRegistry the registered service clients
	 * @param runtimes the runtimes of REST clients
	 * @param discovery the discovery view
	 * @param channelRegistry the channels
	 * @param listenerRegistry the listener subscriptions
	 * @param circuitBreakerStates the state of a client's circuit breaker, or {@code null} if it has none
	 * @param grpcBalancers the balancer of a gRPC client's channel, or {@code null} if it has none yet
	 * @param outbox the transactional outbox, or {@code null} when the application has none
	 */
	public SwitchboardEndpoint(@Nullable ServiceClientProperties clientProperties,
			@Nullable ServiceClientRegistry clientRegistry, @Nullable ServiceClientRuntimes runtimes,
			@Nullable ServiceDiscovery discovery, @Nullable ChannelRegistry channelRegistry,
			@Nullable ChannelListenerRegistry listenerRegistry, Function<String, @Nullable String> circuitBreakerStates,
			Function<String, @Nullable LoadBalancer> grpcBalancers, @Nullable MessageOutbox outbox) {
		this.outbox = outbox;
		this.clientProperties = clientProperties;
		this.clientRegistry = clientRegistry;
		this.runtimes = runtimes;
		this.discovery = discovery;
		this.channelRegistry = channelRegistry;
		this.listenerRegistry = listenerRegistry;
		this.circuitBreakerStates = circuitBreakerStates;
		this.grpcBalancers = grpcBalancers;
	}

	/**
	 * Describes clients, channels and discovery.
	 * @return the description
	 */
	@ReadOperation
	public SwitchboardDescriptor switchboard() {
		return new SwitchboardDescriptor(clients(), channels(), discovery());
	}

	private Map<String, ClientDescriptor> clients() {
		Set<String> names = new TreeSet<>();
		if (this.clientRegistry != null) {
			names.addAll(this.clientRegistry.getInterfacesByClient().keySet());
		}
		if (this.clientProperties != null) {
			names.addAll(this.clientProperties.getClients().keySet());
		}
		Map<String, ServiceClientRuntime> runtimes = (this.runtimes != null) ? this.runtimes.asMap() : Map.of();
		names.addAll(runtimes.keySet());
		Map<String, ClientDescriptor> clients = new TreeMap<>();
		for (String name : names) {
			ServiceClientRuntime runtime = runtimes.get(name);
			ClientSettings settings = (runtime != null) ? runtime.getSettings()
					: (this.clientProperties != null) ? this.clientProperties.resolve(name) : null;
			if (settings != null) {
				clients.put(name, client(name, settings, runtime));
			}
		}
		return clients;
	}

	private ClientDescriptor client(String name, ClientSettings settings, @Nullable ServiceClientRuntime runtime) {
		LoadBalancer balancer = (runtime != null) ? runtime.getBalancer() : this.grpcBalancers.apply(name);
		OutlierDetector outliers = (runtime != null) ? runtime.getOutlierDetector() : null;
		Map<String, P2cEwmaLoadBalancer.InstanceLoad> loads = (balancer != null
				&& ClientBalancers.unwrap(balancer) instanceof P2cEwmaLoadBalancer p2c)
				? p2c.snapshot() : Map.of();
		Set<String> ejected = (outliers != null) ? outliers.ejectedKeys() : Set.of();
		List<InstanceDescriptor> instances = new ArrayList<>();
		String instancesError = null;
		if (settings.url() == null && this.discovery != null) {
			try {
				for (ServiceInstance instance : this.discovery.getInstances(settings.serviceId())) {
					String key = LoadBalancer.key(instance);
					P2cEwmaLoadBalancer.InstanceLoad load = loads.get(key);
					instances.add(new InstanceDescriptor(key, Sanitizer.uri(instance.getUri()),
							(load != null) ? load.cost() : null,
							(load != null) ? load.latencyNanos() / 1_000_000.0 : null,
							(load != null) ? load.inFlight() : null, ejected.contains(key),
							Sanitizer.metadata((instance.getMetadata() != null) ? instance.getMetadata() : Map.of())));
				}
			}
			catch (RuntimeException ex) {
				instancesError = Sanitizer.text(ex.getMessage());
			}
		}
		ClientStatistics statistics = (runtime != null) ? runtime.getStatistics() : null;
		return new ClientDescriptor(settings.protocol().toString(), settings.serviceId(), Sanitizer.uri(settings.url()),
				(this.discovery != null) ? this.discovery.backend() : null,
				(balancer != null) ? describe(balancer) : settings.loadBalancer().toString(),
				Collections.unmodifiableList(instances), instancesError, new TreeSet<>(ejected),
				this.circuitBreakerStates.apply(name),
				(statistics != null) ? StatisticsDescriptor.of(statistics) : null);
	}

	private Map<String, ChannelDescriptor> channels() {
		if (this.channelRegistry == null) {
			return Map.of();
		}
		Map<String, Set<String>> groups = new TreeMap<>();
		this.channelRegistry.getProperties().getChannels().keySet()
			.forEach((name) -> groups.put(name, new TreeSet<>()));
		List<Subscription> subscriptions = (this.listenerRegistry != null) ? this.listenerRegistry.getSubscriptions()
				: List.of();
		for (Subscription subscription : subscriptions) {
			groups.computeIfAbsent(subscription.destination().channel(), (name) -> new TreeSet<>())
				.add(subscription.group());
		}
		Map<String, ChannelDescriptor> channels = new TreeMap<>();
		groups.forEach((name, listenerGroups) -> {
			ChannelSettings settings = this.channelRegistry.getSettings(name);
			ChannelDestination deadLetter = settings.consumer().deadLetter();
			channels.put(name, new ChannelDescriptor(settings.binder().id(), settings.destination().name(),
					settings.group(), listenerGroups, (deadLetter != null) ? deadLetter.name() : null,
					(deadLetter != null) ? deadLetterCount(settings, deadLetter) : null,
					this.channelRegistry.getBinder(settings).pendingPublishes(), outbox(name),
					listenerGroups.isEmpty() ? null : deduplicationStore()));
		});
		return channels;
	}

	/** The store the channel's listeners deduplicate in; one for all channels today, shown per channel. */
	private @Nullable String deduplicationStore() {
		IdempotentConsumer policy = (this.listenerRegistry != null) ? this.listenerRegistry.getIdempotentConsumer()
				: null;
		return (policy != null) ? policy.getStore().type() : null;
	}

	private @Nullable OutboxDescriptor outbox(String channel) {
		MessageOutbox.Backlog backlog = (this.outbox != null) ? this.outbox.backlog(channel) : null;
		return (backlog != null) ? new OutboxDescriptor(backlog.pending(), backlog.oldestAge().toMillis() / 1000.0)
				: null;
	}

	private @Nullable Long deadLetterCount(ChannelSettings settings, ChannelDestination deadLetter) {
		try {
			return this.channelRegistry.getBinder(settings).deadLetterCount(deadLetter);
		}
		catch (RuntimeException ex) {
			// The endpoint reports what it can; an unreachable broker leaves the count unknown.
			return null;
		}
	}

	private @Nullable DiscoveryDescriptor discovery() {
		if (this.discovery == null) {
			return null;
		}
		if (!(this.discovery instanceof CachingServiceDiscovery caching)) {
			return new DiscoveryDescriptor(this.discovery.backend(), null, null, null, Map.of());
		}
		Map<String, Integer> services = new TreeMap<>();
		caching.snapshot().forEach((service, instances) -> services.put(service, instances.size()));
		Throwable cause = caching.getOutageCause();
		return new DiscoveryDescriptor(caching.backend(), caching.isBackendAvailable(), caching.getOutageStart(),
				(cause != null) ? Sanitizer.text(String.valueOf(cause.getMessage())) : null, services);
	}

	/**
	 * What the endpoint shows.
	 *
	 * @param clients the service clients by name
	 * @param channels the channels by name
	 * @param discovery the discovery state, or {@code null} without discovery
	 */
	public record SwitchboardDescriptor(Map<String, ClientDescriptor> clients, Map<String, ChannelDescriptor> channels,
			@Nullable DiscoveryDescriptor discovery) implements OperationResponseBody {
	}

	private static String describe(LoadBalancer balancer) {
		String name = ClientBalancers.unwrap(balancer).getClass().getSimpleName();
		return (balancer instanceof ZoneAwareLoadBalancer zoned)
				? name + " (zone-aware, zone " + zoned.getLocalZone() + ")" : name;
	}

	/**
	 * One service client.
	 *
	 * @param protocol {@code rest} or {@code grpc}
	 * @param serviceId the discovered service
	 * @param url the fixed URL, without user information, or {@code null}
	 * @param discoveryBackend the discovery backend
	 * @param loadBalancer the balancer (its class once created, else the configured type)
	 * @param instances the instances discovery lists, with the balancer's view of each
	 * @param instancesError why the instances could not be read, or {@code null}
	 * @param ejected the keys of ejected instances
	 * @param circuitBreaker the circuit breaker state, or {@code null} without one
	 * @param statistics the call counters, or {@code null} before the client is used (and for gRPC clients)
	 */
	public record ClientDescriptor(String protocol, String serviceId, @Nullable String url,
			@Nullable String discoveryBackend, String loadBalancer, List<InstanceDescriptor> instances,
			@Nullable String instancesError, Set<String> ejected, @Nullable String circuitBreaker,
			@Nullable StatisticsDescriptor statistics) {
	}

	/**
	 * One instance of a client's service.
	 *
	 * @param key {@code host:port}
	 * @param uri the instance URI, without user information
	 * @param score the p2c balancer's cost (latency times load; lower wins), or {@code null} for other balancers
	 * @param latencyMillis the p2c balancer's latency estimate, or {@code null}
	 * @param inFlight the calls in flight on the instance, or {@code null}
	 * @param ejected whether outlier detection ejected the instance
	 * @param metadata the discovery metadata, secrets masked
	 */
	public record InstanceDescriptor(String key, @Nullable String uri, @Nullable Double score,
			@Nullable Double latencyMillis, @Nullable Integer inFlight, boolean ejected, Map<String, String> metadata) {
	}

	/**
	 * Counters of a client.
	 *
	 * @param calls calls made
	 * @param attempts attempts made, retries and hedges included
	 * @param retries retries made
	 * @param hedges hedged attempts made
	 * @param cancelled attempts abandoned after another attempt answered
	 * @param budgetRefusals retries and hedges the retry budget refused
	 * @param hedgesSkipped hedges not made because every thread of the call executor was busy
	 */
	public record StatisticsDescriptor(long calls, long attempts, long retries, long hedges, long cancelled,
			long budgetRefusals, long hedgesSkipped) {

		static StatisticsDescriptor of(ClientStatistics statistics) {
			return new StatisticsDescriptor(statistics.getCalls(), statistics.getAttempts(), statistics.getRetries(),
					statistics.getHedges(), statistics.getCancelled(), statistics.getBudgetRefusals(),
					statistics.getHedgesSkipped());
		}

	}

	/**
	 * One channel.
	 *
	 * @param binder the binder
	 * @param destination the destination on the broker
	 * @param group the default consumer group
	 * @param listenerGroups the groups of this application's subscribed listeners
	 * @param deadLetterDestination the dead-letter destination, or {@code null} when dead-lettering is off
	 * @param deadLetterCount messages in the dead-letter destination, or {@code null} when the binder cannot tell
	 * @param pendingPublishes publishes the channel's binder holds now (all its channels together), or {@code null}
	 * when it holds none by design
	 * @param outbox the messages waiting in the transactional outbox, or {@code null} when the channel does not
	 * publish through it
	 * @param deduplicationStore the idempotency store of this application's listeners ({@code memory}, {@code jdbc},
	 * {@code redis}), or {@code null} when it has none or duplicate suppression is off
	 */
	public record ChannelDescriptor(String binder, String destination, String group, Set<String> listenerGroups,
			@Nullable String deadLetterDestination, @Nullable Long deadLetterCount, @Nullable Integer pendingPublishes,
			@Nullable OutboxDescriptor outbox, @Nullable String deduplicationStore) {
	}

	/**
	 * The transactional outbox of one channel, as last counted.
	 *
	 * @param pending messages waiting to be relayed
	 * @param oldestAgeSeconds how long the oldest of them has waited
	 */
	public record OutboxDescriptor(long pending, double oldestAgeSeconds) {
	}

	/**
	 * The discovery state.
	 *
	 * @param backend the backend
	 * @param available whether the last refresh reached the backend, or {@code null} if unknown
	 * @param outageStart when the current outage started, or {@code null}
	 * @param outageCause why the backend is unavailable, or {@code null}
	 * @param cachedServices the cached services and their instance counts
	 */
	public record DiscoveryDescriptor(String backend, @Nullable Boolean available, @Nullable Instant outageStart,
			@Nullable String outageCause, Map<String, Integer> cachedServices) {
	}

}
