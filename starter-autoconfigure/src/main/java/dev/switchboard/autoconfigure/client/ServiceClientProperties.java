package dev.switchboard.autoconfigure.client;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.client.ClientSettings.HedgeSettings;
import dev.switchboard.autoconfigure.client.ClientSettings.MethodSettings;
import dev.switchboard.autoconfigure.client.ClientSettings.OutlierSettings;
import dev.switchboard.autoconfigure.client.ClientSettings.ResilienceSettings;
import dev.switchboard.autoconfigure.client.ClientSettings.RetrySettings;
import dev.switchboard.autoconfigure.client.ClientSettings.ZoneAffinitySettings;
import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.autoconfigure.diagnostics.PropertyChecks;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

import static dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException.requirePositive;

/**
 * Configuration of Switchboard's service clients: one entry per client name, and defaults every entry
 * inherits field by field.
 *
 * @author Switchboard
 */
@ConfigurationProperties("switchboard")
public class ServiceClientProperties {

	/**
	 * Settings of each client, keyed by the name in its {@code @ServiceClient} annotation.
	 */
	private final Map<String, Client> clients;

	/**
	 * Settings every client inherits unless its own entry sets them.
	 */
	private final Client clientDefaults;

	/**
	 * Creates the client properties, rejecting values Switchboard cannot use.
	 * @param clients the per-client settings
	 * @param clientDefaults the inherited settings
	 */
	public ServiceClientProperties(@Nullable Map<String, Client> clients, @Nullable Client clientDefaults) {
		Map<String, Client> copy = new LinkedHashMap<>();
		if (clients != null) {
			clients.forEach((name, client) -> copy.put(name, client.validate("switchboard.clients." + name)));
		}
		this.clients = Collections.unmodifiableMap(copy);
		this.clientDefaults = ((clientDefaults != null) ? clientDefaults : Client.empty())
			.validate("switchboard.client-defaults");
	}

	/**
	 * The per-client entries, as configured.
	 * @return client name to settings
	 */
	public Map<String, Client> getClients() {
		return this.clients;
	}

	/**
	 * The settings every client inherits.
	 * @return the defaults
	 */
	public Client getClientDefaults() {
		return this.clientDefaults;
	}

	/**
	 * The effective settings of one client: its own entry, then the defaults, then built-in defaults.
	 * @param name the client name
	 * @return the resolved settings
	 */
	public ClientSettings resolve(String name) {
		Client own = this.clients.getOrDefault(name, Client.empty());
		Client defaults = this.clientDefaults;
		Merge<Client> client = new Merge<>(own, defaults);
		Merge<Retry> retry = new Merge<>(own.retry, defaults.retry);
		Merge<Budget> budget = new Merge<>(own.retry.budget, defaults.retry.budget);
		Merge<Outlier> outlier = new Merge<>(own.outlier, defaults.outlier);
		Merge<Hedge> hedge = new Merge<>(own.hedge, defaults.hedge);
		Merge<Resilience> resilience = new Merge<>(own.resilience, defaults.resilience);
		Merge<ZoneAffinity> zone = new Merge<>(own.zoneAffinity, defaults.zoneAffinity);
		Map<String, MethodSettings> methods = new LinkedHashMap<>();
		defaults.methods.forEach((method, settings) -> methods.put(method, settings.toSettings()));
		own.methods.forEach((method, settings) -> methods.put(method, settings.toSettings()));
		return new ClientSettings(name, client.pick((c) -> c.serviceId, name), own.parsedUrl,
				client.pick((c) -> c.loadBalancer, LoadBalancerType.P2C_EWMA),
				client.pick((c) -> c.timeout.connect, null), client.pick((c) -> c.timeout.read, null),
				new RetrySettings(retry.pick((r) -> r.maxAttempts, 3), retry.pick((r) -> r.backoff, Duration.ofMillis(50)),
						retry.pick((r) -> r.multiplier, 2.0), retry.pick((r) -> r.maxBackoff, Duration.ofSeconds(1)),
						retry.pick((r) -> r.statuses, List.of(502, 503, 504)),
						budget.pick((b) -> b.percent, 0.2), budget.pick((b) -> b.minPerSecond, 10),
						budget.pick((b) -> b.window, Duration.ofSeconds(10))),
				new OutlierSettings(outlier.pick((o) -> o.enabled, true), outlier.pick((o) -> o.consecutiveFailures, 5),
						outlier.pick((o) -> o.ejection, Duration.ofSeconds(30)),
						outlier.pick((o) -> o.maxEjection, Duration.ofMinutes(5)),
						outlier.pick((o) -> o.maxEjectedPercent, 50)),
				new HedgeSettings(hedge.pick((h) -> h.enabled, false), hedge.pick((h) -> h.delay, null),
						hedge.pick((h) -> h.percentile, 95.0)),
				new ResilienceSettings(resilience.pick((r) -> r.circuitBreaker, true),
						resilience.pick((r) -> r.bulkhead, false), resilience.pick((r) -> r.rateLimiter, false),
						resilience.pick((r) -> r.timeLimiter, false)),
				Collections.unmodifiableMap(methods), client.pick((c) -> c.protocol, ClientProtocol.REST),
				client.pick((c) -> c.tls.bundle, null), client.pick((c) -> c.grpc.port, null),
				client.pick((c) -> c.grpc.idempotentMethods, List.of()),
				new ZoneAffinitySettings(zone.pick((z) -> z.enabled, true),
						zone.pick((z) -> z.minInstances, ZoneAffinitySettings.DEFAULT_MIN_INSTANCES),
						zone.pick((z) -> z.minHealthyPercent, ZoneAffinitySettings.DEFAULT_MIN_HEALTHY_PERCENT)));
	}

	/** Field-by-field inheritance: the client's own value, else the default, else the built-in value. */
	private record Merge<T>(T own, T defaults) {

		<V> V pick(Function<T, @Nullable V> getter, V builtIn) {
			V value = getter.apply(this.own);
			if (value == null) {
				value = getter.apply(this.defaults);
			}
			return (value != null) ? value : builtIn;
		}

	}

	static void requireRange(String property, @Nullable Number value, double min, double max) {
		if (value != null && (value.doubleValue() < min || value.doubleValue() > max)) {
			throw new InvalidSwitchboardPropertyException(property, value, "out of range",
					"a number from " + format(min) + " to " + format(max));
		}
	}

	private static String format(double value) {
		return (value == Math.rint(value)) ? String.valueOf((long) value) : String.valueOf(value);
	}

	/**
	 * Settings of one client. Every field is optional; unset fields are inherited.
	 */
	public static class Client {

		/**
		 * Fixed base URL that bypasses discovery, such as http://localhost:8080.
		 */
		private final @Nullable String url;

		/**
		 * Service id looked up in discovery. Defaults to the client name.
		 */
		private final @Nullable String serviceId;

		/**
		 * Load balancer that chooses the instance of each call.
		 */
		private final @Nullable LoadBalancerType loadBalancer;

		/**
		 * Connect and read timeouts.
		 */
		private final Timeout timeout;

		/**
		 * Retries of idempotent calls on another instance.
		 */
		private final Retry retry;

		/**
		 * Ejection of instances that keep failing.
		 */
		private final Outlier outlier;

		/**
		 * Hedged requests: a second attempt on another instance when the first is slow (idempotent calls only).
		 */
		private final Hedge hedge;

		/**
		 * Which Resilience4j policies guard the client. Their tuning lives under resilience4j.*.instances.<name>.
		 */
		private final Resilience resilience;

		/**
		 * Per-method settings, keyed by the interface method's name.
		 */
		private final Map<String, MethodProperties> methods;

		/**
		 * Protocol of the calls: rest, or grpc (the same interface, served by a gRPC server that exports it).
		 */
		private final @Nullable ClientProtocol protocol;

		/**
		 * Transport security of the calls.
		 */
		private final Tls tls;

		/**
		 * gRPC settings of the client.
		 */
		private final Grpc grpc;

		/**
		 * Preference for instances in the application's own zone (switchboard.discovery.zone).
		 */
		private final ZoneAffinity zoneAffinity;

		private final @Nullable URI parsedUrl;

		/**
		 * Creates the settings of one client.
		 * @param url fixed base URL, or {@code null} to use discovery
		 * @param serviceId service id in discovery, or {@code null} for the client name
		 * @param loadBalancer the balancer, or {@code null} to inherit
		 * @param timeout the timeouts, or {@code null} to inherit
		 * @param retry the retry settings, or {@code null} to inherit
		 * @param outlier the outlier ejection settings, or {@code null} to inherit
		 * @param hedge the hedging settings, or {@code null} to inherit
		 * @param resilience the Resilience4j switches, or {@code null} to inherit
		 * @param methods per-method settings, or {@code null}
		 * @param protocol the protocol, or {@code null} to inherit
		 * @param tls the transport security, or {@code null} to inherit
		 * @param grpc the gRPC settings, or {@code null} to inherit
		 * @param zoneAffinity the zone preference, or {@code null} to inherit
		 */
		@ConstructorBinding // the private constructor below makes the binding constructor ambiguous to the metadata processor
		public Client(@Nullable String url, @Nullable String serviceId, @Nullable LoadBalancerType loadBalancer,
				@Nullable Timeout timeout, @Nullable Retry retry, @Nullable Outlier outlier, @Nullable Hedge hedge,
				@Nullable Resilience resilience, @Nullable Map<String, MethodProperties> methods,
				@Nullable ClientProtocol protocol, @Nullable Tls tls, @Nullable Grpc grpc,
				@Nullable ZoneAffinity zoneAffinity) {
			this(url, serviceId, loadBalancer, timeout, retry, outlier, hedge, resilience, methods, protocol, tls, grpc,
					zoneAffinity, null);
		}

		private Client(@Nullable String url, @Nullable String serviceId, @Nullable LoadBalancerType loadBalancer,
				@Nullable Timeout timeout, @Nullable Retry retry, @Nullable Outlier outlier, @Nullable Hedge hedge,
				@Nullable Resilience resilience, @Nullable Map<String, MethodProperties> methods,
				@Nullable ClientProtocol protocol, @Nullable Tls tls, @Nullable Grpc grpc,
				@Nullable ZoneAffinity zoneAffinity, @Nullable URI parsedUrl) {
			this.url = url;
			this.serviceId = serviceId;
			this.loadBalancer = loadBalancer;
			this.timeout = (timeout != null) ? timeout : new Timeout(null, null);
			this.retry = (retry != null) ? retry : new Retry(null, null, null, null, null, null);
			this.outlier = (outlier != null) ? outlier : new Outlier(null, null, null, null, null);
			this.hedge = (hedge != null) ? hedge : new Hedge(null, null, null);
			this.resilience = (resilience != null) ? resilience : new Resilience(null, null, null, null);
			this.methods = (methods != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(methods)) : Map.of();
			this.protocol = protocol;
			this.tls = (tls != null) ? tls : new Tls(null);
			this.grpc = (grpc != null) ? grpc : new Grpc(null, null);
			this.zoneAffinity = (zoneAffinity != null) ? zoneAffinity : new ZoneAffinity(null, null, null);
			this.parsedUrl = parsedUrl;
		}

		static Client empty() {
			return new Client(null, null, null, null, null, null, null, null, null, null, null, null, null);
		}

		/**
		 * Fixed base URL that bypasses discovery.
		 * @return the URL, or {@code null}
		 */
		public @Nullable String getUrl() {
			return this.url;
		}

		/**
		 * Service id looked up in discovery.
		 * @return the service id, or {@code null} for the client name
		 */
		public @Nullable String getServiceId() {
			return this.serviceId;
		}

		/**
		 * Load balancer of the client.
		 * @return the balancer type, or {@code null} to inherit
		 */
		public @Nullable LoadBalancerType getLoadBalancer() {
			return this.loadBalancer;
		}

		/**
		 * Timeouts of the client.
		 * @return the timeouts
		 */
		public Timeout getTimeout() {
			return this.timeout;
		}

		/**
		 * Retry settings of the client.
		 * @return the retry settings
		 */
		public Retry getRetry() {
			return this.retry;
		}

		/**
		 * Outlier ejection settings of the client.
		 * @return the outlier settings
		 */
		public Outlier getOutlier() {
			return this.outlier;
		}

		/**
		 * Hedging settings of the client.
		 * @return the hedge settings
		 */
		public Hedge getHedge() {
			return this.hedge;
		}

		/**
		 * Resilience4j switches of the client.
		 * @return the resilience settings
		 */
		public Resilience getResilience() {
			return this.resilience;
		}

		/**
		 * Per-method settings.
		 * @return method name to settings
		 */
		public Map<String, MethodProperties> getMethods() {
			return this.methods;
		}

		/**
		 * Protocol of the client.
		 * @return the protocol, or {@code null} to inherit
		 */
		public @Nullable ClientProtocol getProtocol() {
			return this.protocol;
		}

		/**
		 * Transport security of the client.
		 * @return the TLS settings
		 */
		public Tls getTls() {
			return this.tls;
		}

		/**
		 * gRPC settings of the client.
		 * @return the gRPC settings
		 */
		public Grpc getGrpc() {
			return this.grpc;
		}

		/**
		 * Preference for instances in the application's own zone.
		 * @return the zone affinity settings
		 */
		public ZoneAffinity getZoneAffinity() {
			return this.zoneAffinity;
		}

		Client validate(String prefix) {
			this.timeout.validate(prefix + ".timeout");
			this.retry.validate(prefix + ".retry");
			this.outlier.validate(prefix + ".outlier");
			this.hedge.validate(prefix + ".hedge");
			this.methods.forEach((method, settings) -> settings.validate(prefix + ".methods." + method));
			this.tls.validate(prefix + ".tls");
			this.grpc.validate(prefix + ".grpc");
			this.zoneAffinity.validate(prefix + ".zone-affinity");
			if (this.serviceId != null && this.serviceId.isBlank()) {
				throw new InvalidSwitchboardPropertyException(prefix + ".service-id", this.serviceId,
						"must not be blank", "a service id known to discovery");
			}
			URI parsed = (this.url != null) ? parseUrl(prefix + ".url", this.url) : null;
			return new Client(this.url, this.serviceId, this.loadBalancer, this.timeout, this.retry, this.outlier,
					this.hedge, this.resilience, this.methods, this.protocol, this.tls, this.grpc, this.zoneAffinity,
					parsed);
		}

		private static URI parseUrl(String property, String url) {
			return PropertyChecks.httpUrl(property, url, "http://localhost:8080");
		}

	}

	/**
	 * Connect and read timeouts of a client. Unset values fall back to the client defaults, then to
	 * {@code spring.http.serviceclient.<name>.*}, then to Switchboard's defaults (connect 2s, read 10s).
	 */
	public static class Timeout {

		/**
		 * Maximum time to establish a connection to an instance.
		 */
		private final @Nullable Duration connect;

		/**
		 * Maximum time to wait for an instance's response.
		 */
		private final @Nullable Duration read;

		/**
		 * Creates the timeouts.
		 * @param connect connect timeout, or {@code null} to inherit
		 * @param read read timeout, or {@code null} to inherit
		 */
		public Timeout(@Nullable Duration connect, @Nullable Duration read) {
			this.connect = connect;
			this.read = read;
		}

		/**
		 * Maximum time to establish a connection.
		 * @return the connect timeout, or {@code null} to inherit
		 */
		public @Nullable Duration getConnect() {
			return this.connect;
		}

		/**
		 * Maximum time to wait for a response.
		 * @return the read timeout, or {@code null} to inherit
		 */
		public @Nullable Duration getRead() {
			return this.read;
		}

		void validate(String prefix) {
			requirePositive(prefix + ".connect", this.connect);
			requirePositive(prefix + ".read", this.read);
		}

	}

	/**
	 * Retries of idempotent calls (GET, HEAD, PUT, DELETE, OPTIONS, or methods marked {@code @Idempotent}) on
	 * another instance, after a connection failure, a timeout, an I/O error or one of the listed statuses; never
	 * after a 4xx. Capped by a retry budget.
	 */
	public static class Retry {

		/**
		 * Maximum attempts of one call, the first included; 1 disables retries. Default 3.
		 */
		private final @Nullable Integer maxAttempts;

		/**
		 * Delay before the first retry; later delays grow by the multiplier, with jitter. Default 50ms.
		 */
		private final @Nullable Duration backoff;

		/**
		 * Growth of the delay between retries. Default 2.
		 */
		private final @Nullable Double multiplier;

		/**
		 * Longest delay between retries. Default 1s.
		 */
		private final @Nullable Duration maxBackoff;

		/**
		 * Response statuses that are retried. Default 502, 503, 504.
		 */
		private final @Nullable List<Integer> statuses;

		/**
		 * Retry budget: retries allowed as a share of requests, so a failing service is not hit by a retry
		 * storm.
		 */
		private final Budget budget;

		/**
		 * Creates the retry settings.
		 * @param maxAttempts maximum attempts
		 * @param backoff first delay
		 * @param multiplier delay growth
		 * @param maxBackoff longest delay
		 * @param statuses retried statuses
		 * @param budget the retry budget
		 */
		public Retry(@Nullable Integer maxAttempts, @Nullable Duration backoff, @Nullable Double multiplier,
				@Nullable Duration maxBackoff, @Nullable List<Integer> statuses, @Nullable Budget budget) {
			this.maxAttempts = maxAttempts;
			this.backoff = backoff;
			this.multiplier = multiplier;
			this.maxBackoff = maxBackoff;
			this.statuses = (statuses != null) ? List.copyOf(statuses) : null;
			this.budget = (budget != null) ? budget : new Budget(null, null, null);
		}

		/**
		 * Maximum attempts of one call.
		 * @return the maximum, or {@code null} to inherit
		 */
		public @Nullable Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		/**
		 * Delay before the first retry.
		 * @return the delay, or {@code null} to inherit
		 */
		public @Nullable Duration getBackoff() {
			return this.backoff;
		}

		/**
		 * Growth of the delay.
		 * @return the multiplier, or {@code null} to inherit
		 */
		public @Nullable Double getMultiplier() {
			return this.multiplier;
		}

		/**
		 * Longest delay.
		 * @return the delay, or {@code null} to inherit
		 */
		public @Nullable Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		/**
		 * Retried statuses.
		 * @return the statuses, or {@code null} to inherit
		 */
		public @Nullable List<Integer> getStatuses() {
			return this.statuses;
		}

		/**
		 * The retry budget.
		 * @return the budget
		 */
		public Budget getBudget() {
			return this.budget;
		}

		void validate(String prefix) {
			requireRange(prefix + ".max-attempts", this.maxAttempts, 1, 10);
			requirePositive(prefix + ".backoff", this.backoff);
			requireRange(prefix + ".multiplier", this.multiplier, 1, 100);
			requirePositive(prefix + ".max-backoff", this.maxBackoff);
			if (this.statuses != null) {
				for (int i = 0; i < this.statuses.size(); i++) {
					requireRange(prefix + ".statuses[" + i + "]", this.statuses.get(i), 500, 599);
				}
			}
			this.budget.validate(prefix + ".budget");
		}

	}

	/**
	 * A retry budget: over a sliding window, retries may add {@code percent} of the requests, plus
	 * {@code min-per-second} retries every second.
	 */
	public static class Budget {

		/**
		 * Retries allowed as a share of requests (0.2 = one retry per five requests). Default 0.2.
		 */
		private final @Nullable Double percent;

		/**
		 * Retries allowed every second whatever the traffic, so low-traffic clients can retry. Default 10.
		 */
		private final @Nullable Integer minPerSecond;

		/**
		 * Sliding window over which requests and retries are counted. Default 10s.
		 */
		private final @Nullable Duration window;

		/**
		 * Creates the budget settings.
		 * @param percent share of requests
		 * @param minPerSecond floor per second
		 * @param window sliding window
		 */
		public Budget(@Nullable Double percent, @Nullable Integer minPerSecond, @Nullable Duration window) {
			this.percent = percent;
			this.minPerSecond = minPerSecond;
			this.window = window;
		}

		/**
		 * Share of requests.
		 * @return the share, or {@code null} to inherit
		 */
		public @Nullable Double getPercent() {
			return this.percent;
		}

		/**
		 * Floor per second.
		 * @return the floor, or {@code null} to inherit
		 */
		public @Nullable Integer getMinPerSecond() {
			return this.minPerSecond;
		}

		/**
		 * Sliding window.
		 * @return the window, or {@code null} to inherit
		 */
		public @Nullable Duration getWindow() {
			return this.window;
		}

		void validate(String prefix) {
			requireRange(prefix + ".percent", this.percent, 0, 10);
			requireRange(prefix + ".min-per-second", this.minPerSecond, 0, 100_000);
			requirePositive(prefix + ".window", this.window);
			if (this.window != null && (this.window.toMillis() < 1000 || this.window.toSeconds() > 60)) {
				throw new InvalidSwitchboardPropertyException(prefix + ".window", this.window, "out of range",
						"a duration from 1s to 60s");
			}
		}

	}

	/**
	 * Ejection of an instance after consecutive failures (connection failures, timeouts, I/O errors, 5xx), for a
	 * period that grows with each ejection; at most a share of the instances is ejected at once.
	 */
	public static class Outlier {

		/**
		 * Whether failing instances are ejected. Default true.
		 */
		private final @Nullable Boolean enabled;

		/**
		 * Consecutive failures that eject an instance. Default 5.
		 */
		private final @Nullable Integer consecutiveFailures;

		/**
		 * Ejection time of a first ejection; each further ejection adds as much. Default 30s.
		 */
		private final @Nullable Duration ejection;

		/**
		 * Longest ejection. Default 5m.
		 */
		private final @Nullable Duration maxEjection;

		/**
		 * Largest share of instances ejected at once, in percent. Default 50.
		 */
		private final @Nullable Integer maxEjectedPercent;

		/**
		 * Creates the outlier settings.
		 * @param enabled whether ejection is on
		 * @param consecutiveFailures failures that eject
		 * @param ejection first ejection time
		 * @param maxEjection longest ejection
		 * @param maxEjectedPercent largest share ejected
		 */
		public Outlier(@Nullable Boolean enabled, @Nullable Integer consecutiveFailures, @Nullable Duration ejection,
				@Nullable Duration maxEjection, @Nullable Integer maxEjectedPercent) {
			this.enabled = enabled;
			this.consecutiveFailures = consecutiveFailures;
			this.ejection = ejection;
			this.maxEjection = maxEjection;
			this.maxEjectedPercent = maxEjectedPercent;
		}

		/**
		 * Whether ejection is on.
		 * @return whether enabled, or {@code null} to inherit
		 */
		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		/**
		 * Failures that eject an instance.
		 * @return the count, or {@code null} to inherit
		 */
		public @Nullable Integer getConsecutiveFailures() {
			return this.consecutiveFailures;
		}

		/**
		 * First ejection time.
		 * @return the time, or {@code null} to inherit
		 */
		public @Nullable Duration getEjection() {
			return this.ejection;
		}

		/**
		 * Longest ejection.
		 * @return the time, or {@code null} to inherit
		 */
		public @Nullable Duration getMaxEjection() {
			return this.maxEjection;
		}

		/**
		 * Largest share ejected at once.
		 * @return the percentage, or {@code null} to inherit
		 */
		public @Nullable Integer getMaxEjectedPercent() {
			return this.maxEjectedPercent;
		}

		void validate(String prefix) {
			requireRange(prefix + ".consecutive-failures", this.consecutiveFailures, 1, 1000);
			requirePositive(prefix + ".ejection", this.ejection);
			requirePositive(prefix + ".max-ejection", this.maxEjection);
			requireRange(prefix + ".max-ejected-percent", this.maxEjectedPercent, 0, 100);
		}

	}

	/**
	 * Hedged requests: when the first attempt of an idempotent call has not answered after a delay, a second
	 * attempt goes to another instance; the first answer wins and the other attempt is cancelled. Hedges count
	 * against the retry budget.
	 */
	public static class Hedge {

		/**
		 * Whether idempotent calls are hedged. Default false.
		 */
		private final @Nullable Boolean enabled;

		/**
		 * Fixed delay before the hedge. When unset, the delay is the latency percentile below.
		 */
		private final @Nullable Duration delay;

		/**
		 * Latency percentile of the client's recent calls used as the hedge delay when no fixed delay is set.
		 * Default 95.
		 */
		private final @Nullable Double percentile;

		/**
		 * Creates the hedging settings.
		 * @param enabled whether hedging is on
		 * @param delay fixed delay
		 * @param percentile latency percentile
		 */
		public Hedge(@Nullable Boolean enabled, @Nullable Duration delay, @Nullable Double percentile) {
			this.enabled = enabled;
			this.delay = delay;
			this.percentile = percentile;
		}

		/**
		 * Whether hedging is on.
		 * @return whether enabled, or {@code null} to inherit
		 */
		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		/**
		 * Fixed delay.
		 * @return the delay, or {@code null}
		 */
		public @Nullable Duration getDelay() {
			return this.delay;
		}

		/**
		 * Latency percentile.
		 * @return the percentile, or {@code null} to inherit
		 */
		public @Nullable Double getPercentile() {
			return this.percentile;
		}

		void validate(String prefix) {
			requirePositive(prefix + ".delay", this.delay);
			requireRange(prefix + ".percentile", this.percentile, 50, 99.99);
		}

	}

	/**
	 * Which Resilience4j policies guard a client (when Resilience4j is on the classpath). Each uses the
	 * Resilience4j instance named after the client, tuned with {@code resilience4j.<policy>.instances.<name>.*}.
	 */
	public static class Resilience {

		/**
		 * Whether a circuit breaker guards the client. Default true.
		 */
		private final @Nullable Boolean circuitBreaker;

		/**
		 * Whether a bulkhead limits concurrent calls. Default false.
		 */
		private final @Nullable Boolean bulkhead;

		/**
		 * Whether a rate limiter limits calls per period. Default false.
		 */
		private final @Nullable Boolean rateLimiter;

		/**
		 * Whether a time limiter bounds each call (including retries). Default false.
		 */
		private final @Nullable Boolean timeLimiter;

		/**
		 * Creates the switches.
		 * @param circuitBreaker circuit breaker on
		 * @param bulkhead bulkhead on
		 * @param rateLimiter rate limiter on
		 * @param timeLimiter time limiter on
		 */
		public Resilience(@Nullable Boolean circuitBreaker, @Nullable Boolean bulkhead, @Nullable Boolean rateLimiter,
				@Nullable Boolean timeLimiter) {
			this.circuitBreaker = circuitBreaker;
			this.bulkhead = bulkhead;
			this.rateLimiter = rateLimiter;
			this.timeLimiter = timeLimiter;
		}

		/**
		 * Circuit breaker switch.
		 * @return whether on, or {@code null} to inherit
		 */
		public @Nullable Boolean getCircuitBreaker() {
			return this.circuitBreaker;
		}

		/**
		 * Bulkhead switch.
		 * @return whether on, or {@code null} to inherit
		 */
		public @Nullable Boolean getBulkhead() {
			return this.bulkhead;
		}

		/**
		 * Rate limiter switch.
		 * @return whether on, or {@code null} to inherit
		 */
		public @Nullable Boolean getRateLimiter() {
			return this.rateLimiter;
		}

		/**
		 * Time limiter switch.
		 * @return whether on, or {@code null} to inherit
		 */
		public @Nullable Boolean getTimeLimiter() {
			return this.timeLimiter;
		}

	}

	/**
	 * Settings of one method of a client interface, on top of the client's.
	 */
	public static class MethodProperties {

		/**
		 * Read timeout of this method's calls, replacing the client's.
		 */
		private final @Nullable Duration timeout;

		/**
		 * Whether this method's calls are hedged (idempotent methods only), replacing the client's setting.
		 */
		private final @Nullable Boolean hedge;

		/**
		 * Creates the method settings.
		 * @param timeout read timeout
		 * @param hedge hedging switch
		 */
		public MethodProperties(@Nullable Duration timeout, @Nullable Boolean hedge) {
			this.timeout = timeout;
			this.hedge = hedge;
		}

		/**
		 * Read timeout of the method.
		 * @return the timeout, or {@code null} for the client's
		 */
		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		/**
		 * Hedging switch of the method.
		 * @return whether hedged, or {@code null} for the client's
		 */
		public @Nullable Boolean getHedge() {
			return this.hedge;
		}

		void validate(String prefix) {
			requirePositive(prefix + ".timeout", this.timeout);
		}

		MethodSettings toSettings() {
			return new MethodSettings(this.timeout, this.hedge);
		}

	}

	/**
	 * Transport security of a client's calls (gRPC now; REST reads {@code spring.http.serviceclient.<name>.ssl}).
	 */
	public static class Tls {

		/**
		 * Name of the Spring Boot SSL bundle (spring.ssl.bundle.*) whose trust material verifies instances and
		 * whose key, if any, authenticates the client (mutual TLS). Unset means plaintext.
		 */
		private final @Nullable String bundle;

		/**
		 * Creates the TLS settings.
		 * @param bundle the SSL bundle name, or {@code null} to inherit
		 */
		public Tls(@Nullable String bundle) {
			this.bundle = bundle;
		}

		/**
		 * Name of the SSL bundle.
		 * @return the bundle name, or {@code null} to inherit
		 */
		public @Nullable String getBundle() {
			return this.bundle;
		}

		void validate(String prefix) {
			if (this.bundle != null && this.bundle.isBlank()) {
				throw new InvalidSwitchboardPropertyException(prefix + ".bundle", this.bundle, "must not be blank",
						"the name of a bundle under spring.ssl.bundle.*");
			}
		}

	}

	/**
	 * Preference for instances in the application's own zone ({@code switchboard.discovery.zone}): calls stay in
	 * that zone while at least {@code min-instances} and {@code min-healthy-percent} of its instances are
	 * healthy, and spill over to the other zones in proportion as it loses instances. Without a zone of its own
	 * the application balances over all zones.
	 */
	public static class ZoneAffinity {

		/**
		 * Whether calls prefer instances in the application's own zone, when it has one. Default true.
		 */
		private final @Nullable Boolean enabled;

		/**
		 * Healthy instances the own zone needs to take any call on its own; with fewer, calls go to every zone.
		 * Default 1.
		 */
		private final @Nullable Integer minInstances;

		/**
		 * Share of the own zone's instances, in percent, that must be healthy for it to take every call; below
		 * it the zone takes healthy% / min-healthy-percent of the calls and the rest go to every zone. Default 70
		 * (Envoy's overprovisioning factor of 1.4).
		 */
		private final @Nullable Integer minHealthyPercent;

		/**
		 * Creates the zone affinity settings.
		 * @param enabled whether calls prefer the own zone
		 * @param minInstances healthy instances needed in the own zone
		 * @param minHealthyPercent healthy share needed for every call to stay in the own zone
		 */
		public ZoneAffinity(@Nullable Boolean enabled, @Nullable Integer minInstances,
				@Nullable Integer minHealthyPercent) {
			this.enabled = enabled;
			this.minInstances = minInstances;
			this.minHealthyPercent = minHealthyPercent;
		}

		/**
		 * Whether calls prefer the own zone.
		 * @return whether enabled, or {@code null} to inherit
		 */
		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		/**
		 * Healthy instances needed in the own zone.
		 * @return the count, or {@code null} to inherit
		 */
		public @Nullable Integer getMinInstances() {
			return this.minInstances;
		}

		/**
		 * Healthy share needed for every call to stay in the own zone.
		 * @return the percentage, or {@code null} to inherit
		 */
		public @Nullable Integer getMinHealthyPercent() {
			return this.minHealthyPercent;
		}

		void validate(String prefix) {
			requireRange(prefix + ".min-instances", this.minInstances, 1, 10_000);
			requireRange(prefix + ".min-healthy-percent", this.minHealthyPercent, 0, 100);
		}

	}

	/**
	 * gRPC settings of a client.
	 */
	public static class Grpc {

		/**
		 * gRPC port of instances whose discovery metadata has no 'grpc-port' entry. Unset means the instance's
		 * own port.
		 */
		private final @Nullable Integer port;

		/**
		 * Full names ('package.Service/Method') or bare names of generated-stub methods that may be retried after
		 * their request was sent, besides those whose proto declares an idempotency_level. Unset means only those.
		 */
		private final @Nullable List<String> idempotentMethods;

		/**
		 * Creates the gRPC settings.
		 * @param port the fallback gRPC port, or {@code null} to inherit
		 * @param idempotentMethods stub methods retried after sending, or {@code null} to inherit
		 */
		public Grpc(@Nullable Integer port, @Nullable List<String> idempotentMethods) {
			this.port = port;
			this.idempotentMethods = (idempotentMethods != null) ? List.copyOf(idempotentMethods) : null;
		}

		/**
		 * Generated-stub methods retried after their request was sent.
		 * @return the method names, or {@code null} to inherit
		 */
		public @Nullable List<String> getIdempotentMethods() {
			return this.idempotentMethods;
		}

		/**
		 * gRPC port of instances that publish none.
		 * @return the port, or {@code null} to inherit
		 */
		public @Nullable Integer getPort() {
			return this.port;
		}

		void validate(String prefix) {
			if (this.port != null && (this.port < 1 || this.port > 65535)) {
				throw new InvalidSwitchboardPropertyException(prefix + ".port", this.port, "not a TCP port",
						"1 to 65535");
			}
		}

	}

}
