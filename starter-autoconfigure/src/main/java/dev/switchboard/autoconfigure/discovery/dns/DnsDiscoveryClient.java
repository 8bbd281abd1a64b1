package dev.switchboard.autoconfigure.discovery.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import dev.switchboard.core.discovery.TtlReporting;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * A {@link DiscoveryClient} that finds instances in DNS, asking the configured servers directly on every call.
 * <p>
 * In {@link DnsDiscoverySettings.Mode#SRV SRV} mode the SRV records of the service name give targets and ports;
 * each target's A and AAAA records (from the answer's additional section when the server sent any, otherwise
 * looked up) give the addresses. Only the records of the lowest priority value that has at least one resolvable
 * target are returned (RFC 2782: higher values are fallbacks). Within that priority instances are ordered by
 * descending weight, then by target and address; the order is stable so that an unchanged answer gives an equal
 * list, and the weight is left in the {@code weight} metadata for the load balancer rather than applied as a
 * random order here. With {@link DnsDiscoverySettings#zoneTxt()} on, each target's TXT records are asked for
 * too, and a string {@code zone=<zone>} in them becomes the {@code zone} metadata of the target's instances.
 * In {@link DnsDiscoverySettings.Mode#A A} mode every A and AAAA address of the service name
 * is an instance on the configured port.
 * <p>
 * A name that does not exist or has no records is an empty answer. A timeout, a network failure or an error
 * response throws {@link DnsLookupException}, so that a caching layer keeps its last known instances. Nothing is
 * cached here: the queries go through dnsjava's resolvers, never through its {@code Lookup} cache, and the caller
 * owns freshness; {@link #lastTtl(String)} tells it how long the last answer may be kept.
 *
 * @author Switchboard
 */
public class DnsDiscoveryClient implements DiscoveryClient, TtlReporting {

	private static final String DESCRIPTION = "Switchboard DNS Discovery Client";

	/** The metadata key of an instance's zone, the one every backend uses. */
	private static final String ZONE_METADATA_KEY = "zone";

	/** The TXT record string giving a target's zone, as Consul's DNS interface writes node metadata. */
	private static final String ZONE_TXT_PREFIX = ZONE_METADATA_KEY + "=";

	/** Longest CNAME chain followed, as a guard against loops. */
	private static final int MAX_ALIASES = 8;

	/** Time allowed beyond the query timeout before a query is abandoned, should the resolver overrun it. */
	private static final Duration GRACE = Duration.ofMillis(250);

	private static final Comparator<InetAddress> ADDRESS_ORDER = Comparator
		.<InetAddress>comparingInt((address) -> address.getAddress().length)
		.thenComparing(InetAddress::getAddress, Arrays::compareUnsigned);

	private final DnsDiscoverySettings settings;

	private final List<InetSocketAddress> servers;

	private final Resolver resolver;

	private final Map<String, Duration> lastTtls = new ConcurrentHashMap<>();

	/**
	 * Creates a client for the given settings.
	 * @param settings how to find instances
	 */
	public DnsDiscoveryClient(DnsDiscoverySettings settings) {
		this.settings = settings;
		this.servers = settings.servers().isEmpty() ? ResolverConfig.getCurrentConfig().servers()
				: settings.servers();
		this.resolver = createResolver(this.servers, settings.queryTimeout());
	}

	private static Resolver createResolver(List<InetSocketAddress> servers, Duration queryTimeout) {
		// Split the query timeout between the attempts, so that a query never takes longer than it in total;
		// a single server gets two attempts, as one lost UDP packet should not fail the lookup.
		int attempts = Math.max(2, servers.size());
		Duration attemptTimeout = queryTimeout.dividedBy(attempts);
		List<Resolver> resolvers = new ArrayList<>(servers.size());
		for (InetSocketAddress server : servers) {
			SimpleResolver simple = new SimpleResolver(server);
			simple.setTimeout(attemptTimeout);
			resolvers.add(simple);
		}
		ExtendedResolver extended = new ExtendedResolver(resolvers);
		extended.setRetries(Math.max(1, (attempts + servers.size() - 1) / Math.max(1, servers.size())));
		extended.setTimeout(queryTimeout);
		return extended;
	}

	@Override
	public String description() {
		return DESCRIPTION;
	}

	/**
	 * The instances of a service, as DNS answers now.
	 * @param serviceId the service id
	 * @return the instances, possibly empty when the name has no records
	 * @throws DnsLookupException when the servers gave no usable answer
	 */
	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		Ttl ttl = new Ttl();
		List<ServiceInstance> instances = switch (this.settings.mode()) {
			case SRV -> srvInstances(serviceId, ttl);
			case A -> addressInstances(serviceId, ttl);
		};
		Duration minimum = ttl.minimum();
		if (minimum != null) {
			this.lastTtls.put(serviceId, minimum);
		}
		else {
			this.lastTtls.remove(serviceId);
		}
		return instances;
	}

	/**
	 * Always empty: DNS offers no way to list the names of a zone (zone transfers are normally refused), so this
	 * client only answers for services it is asked about.
	 * @return an empty list
	 */
	@Override
	public List<String> getServices() {
		return List.of();
	}

	/**
	 * Checks that the DNS servers answer, by asking for the SOA record of the domain (or of the root when no
	 * domain is set). Any response counts, whatever its code: the probe tests reachability, not the zone.
	 * @throws DnsLookupException when no server answers within the query timeout
	 */
	@Override
	public void probe() {
		String domain = this.settings.domain();
		Name name = toName((domain != null) ? domain : ".");
		await(send(name, Type.SOA));
	}

	/**
	 * The smallest TTL among the records of the last successful lookup of a service: how long its answer may be
	 * reused. For an empty answer this is the negative-caching TTL from the SOA record, when the server sent one.
	 * @param serviceId the service id
	 * @return the TTL, or empty when the service was not looked up yet or the answer carried none
	 */
	@Override
	public Optional<Duration> lastTtl(String serviceId) {
		return Optional.ofNullable(this.lastTtls.get(serviceId));
	}

	/**
	 * The settings of this client.
	 * @return the settings
	 */
	public DnsDiscoverySettings getSettings() {
		return this.settings;
	}

	private List<ServiceInstance> srvInstances(String serviceId, Ttl ttl) {
		Answer srv = await(query(toName(this.settings.srvName(serviceId)), Type.SRV));
		ttl.add(srv);
		TreeMap<Integer, List<SRVRecord>> byPriority = new TreeMap<>();
		for (Record record : srv.records()) {
			SRVRecord srvRecord = (SRVRecord) record;
			// A target of "." means the service is decidedly not available there (RFC 2782).
			if (!srvRecord.getTarget().equals(Name.root)) {
				byPriority.computeIfAbsent(srvRecord.getPriority(), (priority) -> new ArrayList<>()).add(srvRecord);
			}
		}
		for (List<SRVRecord> records : byPriority.values()) {
			List<ServiceInstance> instances = srvInstances(serviceId, records, srv.additional(), ttl);
			if (!instances.isEmpty()) {
				return instances;
			}
		}
		return List.of();
	}

	private List<ServiceInstance> srvInstances(String serviceId, List<SRVRecord> records, List<Record> additional,
			Ttl ttl) {
		records.sort(Comparator.comparingInt(SRVRecord::getWeight)
			.reversed()
			.thenComparing(SRVRecord::getTarget)
			.thenComparingInt(SRVRecord::getPort));
		// Start the lookups of all targets the additional section did not cover, then wait for them together.
		Map<Name, CompletableFuture<List<Answer>>> lookups = new LinkedHashMap<>();
		Map<Name, List<Record>> known = new LinkedHashMap<>();
		Map<Name, CompletableFuture<Answer>> zoneLookups = new LinkedHashMap<>();
		for (SRVRecord record : records) {
			Name target = record.getTarget();
			if (known.containsKey(target) || lookups.containsKey(target)) {
				continue;
			}
			if (this.settings.zoneTxt()) {
				zoneLookups.put(target, query(target, Type.TXT));
			}
			List<Record> addresses = additional.stream()
				.filter((candidate) -> candidate.getName().equals(target) && isAddress(candidate))
				.toList();
			if (!addresses.isEmpty()) {
				known.put(target, addresses);
			}
			else {
				lookups.put(target, addresses(target));
			}
		}
		for (Map.Entry<Name, CompletableFuture<List<Answer>>> lookup : lookups.entrySet()) {
			List<Record> addresses = new ArrayList<>();
			for (Answer answer : await(lookup.getValue())) {
				ttl.add(answer);
				addresses.addAll(answer.records());
			}
			known.put(lookup.getKey(), addresses);
		}
		Map<Name, String> zones = new LinkedHashMap<>();
		for (Map.Entry<Name, CompletableFuture<Answer>> lookup : zoneLookups.entrySet()) {
			Answer answer = await(lookup.getValue());
			ttl.add(answer);
			String zone = zoneOf(answer.records());
			if (zone != null) {
				zones.put(lookup.getKey(), zone);
			}
		}
		Map<String, ServiceInstance> instances = new LinkedHashMap<>();
		for (SRVRecord record : records) {
			List<Record> addresses = known.get(record.getTarget());
			if (addresses == null || addresses.isEmpty()) {
				continue;
			}
			Map<String, String> metadata = new LinkedHashMap<>();
			metadata.put("priority", Integer.toString(record.getPriority()));
			metadata.put("weight", Integer.toString(record.getWeight()));
			metadata.put("dns.target", record.getTarget().toString(true));
			String zone = zones.get(record.getTarget());
			if (zone != null) {
				metadata.put(ZONE_METADATA_KEY, zone);
			}
			for (InetAddress address : sortedAddresses(addresses)) {
				addInstance(instances, serviceId, address, record.getPort(), metadata);
			}
			// Additional-section addresses count too (looked-up ones were added with their answers).
			ttl.addAll(addresses);
		}
		return List.copyOf(instances.values());
	}

	private List<ServiceInstance> addressInstances(String serviceId, Ttl ttl) {
		List<Record> addresses = new ArrayList<>();
		for (Answer answer : await(addresses(toName(this.settings.hostName(serviceId))))) {
			ttl.add(answer);
			addresses.addAll(answer.records());
		}
		Map<String, ServiceInstance> instances = new LinkedHashMap<>();
		for (InetAddress address : sortedAddresses(addresses)) {
			addInstance(instances, serviceId, address, this.settings.port(), Map.of());
		}
		return List.copyOf(instances.values());
	}

	private void addInstance(Map<String, ServiceInstance> instances, String serviceId, InetAddress address,
			int port, Map<String, String> metadata) {
		String host = address.getHostAddress();
		String instanceId = serviceId + "-" + host + ":" + port;
		// The same address and port reached through two targets is one instance; the first (heaviest) wins.
		instances.putIfAbsent(instanceId,
				new DnsServiceInstance(instanceId, serviceId, host, port, this.settings.secure(), metadata));
	}

	private CompletableFuture<List<Answer>> addresses(Name name) {
		CompletableFuture<Answer> ipv4 = query(name, Type.A);
		CompletableFuture<Answer> ipv6 = query(name, Type.AAAA);
		return ipv4.thenCombine(ipv6, List::of);
	}

	private CompletableFuture<Answer> query(Name name, int type) {
		return query(name, name, type, 0);
	}

	private CompletableFuture<Answer> query(Name asked, Name name, int type, int depth) {
		return send(name, type).thenCompose((response) -> {
			Answer answer = toAnswer(asked, name, type, response);
			Name alias = answer.unresolvedAlias();
			if (alias == null || depth >= MAX_ALIASES) {
				return CompletableFuture.completedFuture(answer);
			}
			// The server returned only the alias (it does not recurse): ask for the alias's records.
			return query(asked, alias, type, depth + 1).thenApply((resolved) -> resolved.withTtlOf(answer));
		});
	}

	private CompletableFuture<Message> send(Name name, int type) {
		Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
		CompletableFuture<Message> response = this.resolver.sendAsync(query).toCompletableFuture();
		long timeout = this.settings.queryTimeout().plus(GRACE).toMillis();
		return response.orTimeout(timeout, TimeUnit.MILLISECONDS).handle((message, ex) -> {
			if (ex != null) {
				Throwable cause = unwrap(ex);
				String reason = (cause instanceof TimeoutException) ? "no answer within " + this.settings.queryTimeout()
						: String.valueOf(cause);
				throw new DnsLookupException(name.toString(true), Type.string(type), this.servers, reason, cause);
			}
			return message;
		});
	}

	private Answer toAnswer(Name asked, Name name, int type, Message response) {
		int rcode = response.getRcode();
		if (rcode == Rcode.NXDOMAIN) {
			return Answer.empty(negativeTtl(response));
		}
		if (rcode != Rcode.NOERROR) {
			throw new DnsLookupException(asked.toString(true), Type.string(type), this.servers,
					"the server answered " + Rcode.string(rcode), null);
		}
		List<Record> answers = response.getSection(Section.ANSWER);
		List<Record> used = new ArrayList<>();
		Name current = name;
		for (int i = 0; i < MAX_ALIASES; i++) {
			CNAMERecord alias = findAlias(answers, current);
			if (alias == null) {
				break;
			}
			used.add(alias);
			current = alias.getTarget();
		}
		List<Record> records = new ArrayList<>();
		for (Record record : answers) {
			if (record.getType() == type && record.getName().equals(current)) {
				records.add(record);
			}
		}
		Long ttl = minimumTtl(used, records);
		if (records.isEmpty()) {
			if (!current.equals(name)) {
				return new Answer(List.of(), List.of(), ttl, current);
			}
			return Answer.empty(min(ttl, negativeTtl(response)));
		}
		return new Answer(records, response.getSection(Section.ADDITIONAL), ttl, null);
	}

	private static @Nullable CNAMERecord findAlias(List<Record> answers, Name name) {
		for (Record record : answers) {
			if (record instanceof CNAMERecord alias && alias.getName().equals(name)) {
				return alias;
			}
		}
		return null;
	}

	private static @Nullable Long negativeTtl(Message response) {
		for (Record record : response.getSection(Section.AUTHORITY)) {
			if (record instanceof SOARecord soa) {
				// RFC 2308: a negative answer may be cached for the smaller of the SOA's TTL and MINIMUM.
				return Math.min(soa.getTTL(), soa.getMinimum());
			}
		}
		return null;
	}

	private static @Nullable Long min(@Nullable Long first, @Nullable Long second) {
		if (first == null) {
			return second;
		}
		return (second != null) ? Long.valueOf(Math.min(first, second)) : first;
	}

	private static @Nullable Long minimumTtl(List<Record> first, List<Record> second) {
		Long minimum = null;
		for (List<Record> records : List.of(first, second)) {
			for (Record record : records) {
				minimum = (minimum == null) ? record.getTTL() : Math.min(minimum, record.getTTL());
			}
		}
		return minimum;
	}

	/**
	 * The zone in TXT records: the first string of the form {@code zone=<zone>}.
	 */
	private static @Nullable String zoneOf(List<Record> records) {
		for (Record record : records) {
			if (record instanceof TXTRecord txt) {
				for (String text : txt.getStrings()) {
					if (text.startsWith(ZONE_TXT_PREFIX) && text.length() > ZONE_TXT_PREFIX.length()) {
						return text.substring(ZONE_TXT_PREFIX.length()).trim();
					}
				}
			}
		}
		return null;
	}

	private static boolean isAddress(Record record) {
		return record.getType() == Type.A || record.getType() == Type.AAAA;
	}

	private static List<InetAddress> sortedAddresses(List<Record> records) {
		List<InetAddress> addresses = new ArrayList<>();
		for (Record record : records) {
			if (record instanceof ARecord a) {
				addresses.add(a.getAddress());
			}
			else if (record instanceof AAAARecord aaaa) {
				addresses.add(aaaa.getAddress());
			}
		}
		addresses.sort(ADDRESS_ORDER);
		return addresses;
	}

	private static Name toName(String name) {
		try {
			return Name.fromString(name, Name.root);
		}
		catch (TextParseException ex) {
			throw new IllegalArgumentException("'" + name + "' is not a valid DNS name: " + ex.getMessage(), ex);
		}
	}

	private static <T> T await(CompletableFuture<T> future) {
		try {
			// The future times out by itself (see send); this only waits for it.
			return future.get();
		}
		catch (ExecutionException ex) {
			throw rethrow(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			future.cancel(false);
			throw new IllegalStateException("Interrupted while waiting for a DNS answer", ex);
		}
	}

	private static RuntimeException rethrow(@Nullable Throwable ex) {
		Throwable cause = unwrap(ex);
		if (cause instanceof RuntimeException runtime) {
			return runtime;
		}
		if (cause instanceof Error error) {
			throw error;
		}
		return new IllegalStateException("DNS lookup failed", cause);
	}

	private static @Nullable Throwable unwrap(@Nullable Throwable ex) {
		Throwable current = ex;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	@Override
	public String toString() {
		return "DnsDiscoveryClient[mode=" + this.settings.mode() + ", servers=" + this.servers + ", domain="
				+ this.settings.domain() + "]";
	}

	/**
	 * The records of one type found for a name.
	 *
	 * @param records the records of the type asked for, after following aliases
	 * @param additional the additional section of the response
	 * @param ttl the smallest TTL of the records used, or {@code null} when there were none
	 * @param unresolvedAlias the alias the answer ended on without its records, or {@code null}
	 */
	private record Answer(List<Record> records, List<Record> additional, @Nullable Long ttl,
			@Nullable Name unresolvedAlias) {

		static Answer empty(@Nullable Long ttl) {
			return new Answer(List.of(), List.of(), ttl, null);
		}

		Answer withTtlOf(Answer other) {
			return new Answer(this.records, this.additional, min(this.ttl, other.ttl()), this.unresolvedAlias);
		}

	}

	/**
	 * The smallest TTL seen while answering one lookup.
	 */
	private static final class Ttl {

		private @Nullable Long seconds;

		void add(Answer answer) {
			Long ttl = answer.ttl();
			if (ttl != null) {
				add(ttl);
			}
		}

		void add(Record record) {
			add(record.getTTL());
		}

		void addAll(List<Record> records) {
			records.forEach(this::add);
		}

		private void add(long ttl) {
			this.seconds = (this.seconds == null) ? ttl : Math.min(this.seconds, ttl);
		}

		@Nullable Duration minimum() {
			return (this.seconds != null) ? Duration.ofSeconds(this.seconds) : null;
		}

	}

}
