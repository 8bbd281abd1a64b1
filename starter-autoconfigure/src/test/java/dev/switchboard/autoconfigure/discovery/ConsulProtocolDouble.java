package dev.switchboard.autoconfigure.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * An in-JVM stand-in for a Consul agent, speaking the parts of Consul's documented HTTP API
 * (https://developer.hashicorp.com/consul/api-docs) that Spring Cloud Consul's client uses: service registration
 * and deregistration on the agent, health and catalog queries with {@code index}/{@code wait} blocking queries
 * and {@code X-Consul-Index}, leader status and agent self. Registered HTTP checks are run against the
 * registered URL at the registered interval; TTL checks keep the status they were given. No Consul binary can be
 * installed on the build machines, so this double is what the Consul backend is tested against.
 * <p>
 * Requests to paths it does not implement are answered 404 and reported on stderr and by
 * {@link #unhandledRequests()}. ACL tokens are recorded for assertions but never printed.
 *
 * @author Switchboard
 */
public final class ConsulProtocolDouble implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Pattern DEREGISTER = Pattern.compile("/v1/agent/service/deregister/(.+)");

	private static final Pattern HEALTH_SERVICE = Pattern.compile("/v1/health/service/(.+)");

	private static final Pattern HEALTH_CHECKS = Pattern.compile("/v1/health/checks/(.+)");

	private static final Pattern CHECK_UPDATE = Pattern.compile("/v1/agent/check/(pass|warn|fail)/(.+)");

	private static final Pattern CATALOG_SERVICE = Pattern.compile("/v1/catalog/service/(.+)");

	private final Object lock = new Object();

	/** Registered services by service id, in registration order. Guarded by {@link #lock}. */
	private final Map<String, Registration> services = new LinkedHashMap<>();

	/** Raft-like index of the service catalog: changes on registration and deregistration only. */
	private long catalogIndex = 1;

	/** Index of service health: changes with the catalog and with every check status change. */
	private long healthIndex = 1;

	private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

	private final List<String> unhandled = new CopyOnWriteArrayList<>();

	private final HttpClient checkClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	private volatile int port;

	private volatile @Nullable Failure failure;

	private volatile boolean running;

	/** Whether requests are received and left unanswered. Changes under {@link #lock}. */
	private volatile boolean hanging;

	private final List<RecordedRequest> unanswered = new CopyOnWriteArrayList<>();

	private final java.util.concurrent.atomic.AtomicInteger checkRuns = new java.util.concurrent.atomic.AtomicInteger();

	private @Nullable HttpServer server;

	private @Nullable ExecutorService executor;

	private @Nullable ScheduledExecutorService checker;

	/**
	 * Starts the double on a random loopback port.
	 * @return the started double
	 */
	public static ConsulProtocolDouble start() {
		ConsulProtocolDouble consul = new ConsulProtocolDouble();
		consul.bind(0);
		return consul;
	}

	/**
	 * The port the double listens on (the same across {@link #stop()} and {@link #restart()}).
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Stops answering: the port is closed, so clients see connection failures. Registrations are kept, as a
	 * real agent keeps them in its data directory.
	 */
	void stop() {
		synchronized (this.lock) {
			this.running = false;
			this.lock.notifyAll();
		}
		HttpServer current = this.server;
		if (current != null) {
			current.stop(0);
		}
		shutdown(this.executor);
		shutdown(this.checker);
		this.server = null;
	}

	/**
	 * Starts answering again on the same port.
	 */
	void restart() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (true) {
			try {
				bind(this.port);
				return;
			}
			catch (IllegalStateException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				sleep(50);
			}
		}
	}

	@Override
	public void close() {
		stop();
	}

	/**
	 * Registers a service the way a client would, through the agent API.
	 * @param id the service id
	 * @param name the service name
	 * @param port the port
	 * @param checkStatus the initial status of its TTL check ({@code passing}, {@code critical})
	 */
	public void register(String id, String name, int port, String checkStatus) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("ID", id);
		body.put("Name", name);
		body.put("Address", "127.0.0.1");
		body.put("Port", port);
		body.put("Check", Map.of("TTL", "60s", "Status", checkStatus));
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/agent/service/register"))
			.PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
			.build();
		try {
			HttpResponse<String> response = this.checkClient.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException("Registration failed: " + response.statusCode() + " " + response.body());
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Answers every later request with an error, as an agent without cluster leader (500) or one denying the
	 * ACL token (403) does.
	 * @param status the HTTP status
	 * @param body the plain-text body Consul sends with it
	 */
	void answerErrors(int status, String body) {
		this.failure = new Failure(status, body);
	}

	/**
	 * Hangs as an agent that accepts connections and never answers: every later request is read, recorded in
	 * {@link #unansweredRequests()} and left without answer, its connection open, until
	 * {@link #answerNormally()} or {@link #stop()}.
	 */
	void hang() {
		synchronized (this.lock) {
			this.hanging = true;
		}
	}

	/**
	 * Answers normally again after {@link #answerErrors(int, String)} or {@link #hang()}; requests held by a hang
	 * are answered now (their clients have usually given up).
	 */
	void answerNormally() {
		this.failure = null;
		synchronized (this.lock) {
			this.hanging = false;
			this.lock.notifyAll();
		}
	}

	/**
	 * Requests received while hanging and not answered then.
	 * @return the requests, oldest first
	 */
	List<RecordedRequest> unansweredRequests() {
		return List.copyOf(this.unanswered);
	}

	/**
	 * How many registered HTTP checks the double has run.
	 * @return the count
	 */
	int checkRuns() {
		return this.checkRuns.get();
	}

	/**
	 * A snapshot of the registered services.
	 * @return service id to registration
	 */
	Map<String, Registration> registrations() {
		synchronized (this.lock) {
			return Map.copyOf(this.services);
		}
	}

	/**
	 * Every request answered so far.
	 * @return the requests, oldest first
	 */
	List<RecordedRequest> requests() {
		return List.copyOf(this.requests);
	}

	/**
	 * Requests to paths the double does not implement.
	 * @return method and path of each
	 */
	List<String> unhandledRequests() {
		return List.copyOf(this.unhandled);
	}

	private void bind(int requestedPort) {
		HttpServer httpServer;
		try {
			httpServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 64);
		}
		catch (BindException ex) {
			throw new IllegalStateException("Port " + requestedPort + " is in use", ex);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		// Blocking queries hold a thread each: an unbounded pool, as Consul serves them concurrently.
		ExecutorService pool = Executors.newCachedThreadPool(daemon("consul-double-http"));
		httpServer.setExecutor(pool);
		httpServer.createContext("/", this::handle);
		synchronized (this.lock) {
			this.running = true;
		}
		httpServer.start();
		this.server = httpServer;
		this.executor = pool;
		this.port = httpServer.getAddress().getPort();
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemon("consul-double-checks"));
		scheduler.scheduleWithFixedDelay(this::runHttpChecks, 50, 50, TimeUnit.MILLISECONDS);
		this.checker = scheduler;
	}

	private void handle(HttpExchange exchange) throws IOException {
		String method = exchange.getRequestMethod();
		String path = exchange.getRequestURI().getPath();
		Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
		String token = exchange.getRequestHeaders().getFirst("X-Consul-Token");
		RecordedRequest recorded = new RecordedRequest(method, path, query, token);
		this.requests.add(recorded);
		awaitEndOfHang(recorded);
		Failure currentFailure = this.failure;
		if (currentFailure != null) {
			respond(exchange, currentFailure.status(), currentFailure.body(), null);
			return;
		}
		try {
			Matcher matcher;
			if (method.equals("PUT") && path.equals("/v1/agent/service/register")) {
				register(exchange.getRequestBody());
				respond(exchange, 200, "", null);
			}
			else if (method.equals("PUT") && (matcher = DEREGISTER.matcher(path)).matches()) {
				boolean removed = deregister(matcher.group(1));
				respond(exchange, removed ? 200 : 404, removed ? "" : "Unknown service ID", null);
			}
			else if (method.equals("GET") && (matcher = HEALTH_SERVICE.matcher(path)).matches()) {
				long index = awaitChange(query, true);
				respondJson(exchange, healthEntries(matcher.group(1), isSet(query.get("passing"))), index);
			}
			else if (method.equals("GET") && path.equals("/v1/catalog/services")) {
				long index = awaitChange(query, false);
				respondJson(exchange, catalogServices(), index);
			}
			else if (method.equals("GET") && (matcher = CATALOG_SERVICE.matcher(path)).matches()) {
				respondJson(exchange, catalogService(matcher.group(1)), currentIndex(false));
			}
			else if (method.equals("GET") && (matcher = HEALTH_CHECKS.matcher(path)).matches()) {
				respondJson(exchange, checksOf(matcher.group(1)), currentIndex(true));
			}
			else if (method.equals("PUT") && (matcher = CHECK_UPDATE.matcher(path)).matches()) {
				boolean updated = updateCheck(matcher.group(2), switch (matcher.group(1)) {
					case "pass" -> "passing";
					case "warn" -> "warning";
					default -> "critical";
				});
				respond(exchange, updated ? 200 : 404, updated ? "" : "Unknown check ID", null);
			}
			else if (method.equals("GET") && path.equals("/v1/agent/services")) {
				respondJson(exchange, agentServices(), null);
			}
			else if (method.equals("GET") && path.equals("/v1/agent/self")) {
				respondJson(exchange, Map.of("Config", Map.of("Datacenter", "dc1", "NodeName", "double", "NodeID",
						"00000000-0000-0000-0000-000000000001", "Version", "1.20.0"), "Member",
						Map.of("Name", "double", "Addr", "127.0.0.1", "Port", 8301)), null);
			}
			else if (method.equals("GET") && path.equals("/v1/status/leader")) {
				respondJson(exchange, "127.0.0.1:8300", null);
			}
			else if (method.equals("GET") && path.equals("/v1/status/peers")) {
				respondJson(exchange, List.of("127.0.0.1:8300"), null);
			}
			else {
				String request = method + " " + exchange.getRequestURI();
				this.unhandled.add(request);
				System.err.println("ConsulProtocolDouble: UNHANDLED request " + request);
				respond(exchange, 404, "Not implemented by ConsulProtocolDouble: " + request, null);
			}
		}
		catch (RuntimeException ex) {
			System.err.println("ConsulProtocolDouble: failed to answer " + method + " " + path + ": " + ex);
			respond(exchange, 500, String.valueOf(ex.getMessage()), null);
		}
	}

	private void awaitEndOfHang(RecordedRequest request) {
		synchronized (this.lock) {
			if (!this.hanging) {
				return;
			}
			this.unanswered.add(request);
			while (this.hanging && this.running) {
				try {
					this.lock.wait();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	@SuppressWarnings("unchecked")
	private void register(InputStream body) throws IOException {
		Map<String, Object> service = json.readValue(body.readAllBytes(), Map.class);
		String name = (String) service.get("Name");
		String id = (String) service.getOrDefault("ID", name);
		Map<String, Object> check = (Map<String, Object>) service.get("Check");
		String http = (check != null) ? (String) check.get("HTTP") : null;
		Duration interval = (check != null && check.get("Interval") != null)
				? parseDuration((String) check.get("Interval")) : Duration.ofSeconds(10);
		// Consul starts checks as critical unless the definition gives a status; a service without checks passes.
		String status = (check == null) ? "passing"
				: (check.get("Status") != null) ? (String) check.get("Status") : "critical";
		Registration registration = new Registration(id, name, (String) service.get("Address"),
				((Number) service.get("Port")).intValue(),
				(List<String>) service.getOrDefault("Tags", List.of()),
				(Map<String, String>) service.getOrDefault("Meta", Map.of()), http, interval, status, System.nanoTime());
		synchronized (this.lock) {
			this.services.put(id, registration);
			this.catalogIndex = nextIndex();
			this.healthIndex = this.catalogIndex;
			this.lock.notifyAll();
		}
	}

	private boolean deregister(String id) {
		synchronized (this.lock) {
			if (this.services.remove(id) == null) {
				return false;
			}
			this.catalogIndex = nextIndex();
			this.healthIndex = this.catalogIndex;
			this.lock.notifyAll();
			return true;
		}
	}

	private boolean updateCheck(String checkId, String status) {
		String serviceId = checkId.startsWith("service:") ? checkId.substring("service:".length()) : checkId;
		synchronized (this.lock) {
			Registration registration = this.services.get(serviceId);
			if (registration == null) {
				return false;
			}
			setStatus(registration, status);
			return true;
		}
	}

	private void setStatus(Registration registration, String status) {
		// Caller holds the lock.
		Registration current = this.services.get(registration.id());
		if (current != null && !current.status().equals(status)) {
			this.services.put(current.id(), current.withStatus(status, current.nextCheckAt()));
			this.healthIndex = nextIndex();
			this.lock.notifyAll();
		}
	}

	private long nextIndex() {
		return Math.max(this.catalogIndex, this.healthIndex) + 1;
	}

	private void runHttpChecks() {
		List<Registration> due = new ArrayList<>();
		long now = System.nanoTime();
		synchronized (this.lock) {
			for (Registration registration : this.services.values()) {
				if (registration.http() != null && registration.nextCheckAt() - now <= 0) {
					due.add(registration);
					this.services.put(registration.id(),
							registration.withStatus(registration.status(), now + registration.interval().toNanos()));
				}
			}
		}
		for (Registration registration : due) {
			String status;
			try {
				HttpResponse<Void> response = this.checkClient.send(HttpRequest.newBuilder(URI.create(registration.http()))
					.timeout(Duration.ofSeconds(1))
					.GET()
					.build(), HttpResponse.BodyHandlers.discarding());
				int code = response.statusCode();
				status = (code >= 200 && code < 300) ? "passing" : (code == 429) ? "warning" : "critical";
			}
			catch (IOException ex) {
				status = "critical";
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			synchronized (this.lock) {
				setStatus(registration, status);
			}
			this.checkRuns.incrementAndGet();
		}
	}

	/**
	 * Waits as a blocking query does: until the index passes the one the client sent or {@code wait} expires.
	 */
	private long awaitChange(Map<String, String> query, boolean health) {
		String requested = query.get("index");
		synchronized (this.lock) {
			if (requested == null) {
				return currentIndex(health);
			}
			long index = Long.parseUnsignedLong(requested);
			Duration wait = (query.get("wait") != null) ? parseDuration(query.get("wait")) : Duration.ofMinutes(5);
			long deadline = System.nanoTime() + Math.min(wait.toNanos(), Duration.ofMinutes(10).toNanos());
			// An index ahead of ours (the agent lost state) answers at once, as Consul does after a reset.
			while (this.running && currentIndex(health) == index) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					break;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.lock, remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			return currentIndex(health);
		}
	}

	private long currentIndex(boolean health) {
		synchronized (this.lock) {
			return health ? this.healthIndex : this.catalogIndex;
		}
	}

	private List<Map<String, Object>> healthEntries(String name, boolean passingOnly) {
		List<Map<String, Object>> entries = new ArrayList<>();
		synchronized (this.lock) {
			for (Registration registration : this.services.values()) {
				if (!registration.name().equals(name) || (passingOnly && !registration.status().equals("passing"))) {
					continue;
				}
				Map<String, Object> service = new LinkedHashMap<>();
				service.put("ID", registration.id());
				service.put("Service", registration.name());
				service.put("Tags", registration.tags());
				service.put("Address", (registration.address() != null) ? registration.address() : "");
				service.put("Meta", registration.meta());
				service.put("Port", registration.port());
				service.put("CreateIndex", 1);
				service.put("ModifyIndex", 1);
				Map<String, Object> entry = new LinkedHashMap<>();
				entry.put("Node", node());
				entry.put("Service", service);
				entry.put("Checks", List.of(serfHealth(), check(registration)));
				entries.add(entry);
			}
		}
		return entries;
	}

	private List<Map<String, Object>> checksOf(String name) {
		synchronized (this.lock) {
			return this.services.values().stream().filter((r) -> r.name().equals(name)).map(this::check).toList();
		}
	}

	private List<Map<String, Object>> catalogService(String name) {
		synchronized (this.lock) {
			return this.services.values().stream().filter((r) -> r.name().equals(name)).map((r) -> {
				Map<String, Object> entry = new LinkedHashMap<>();
				entry.put("Node", "double");
				entry.put("Address", "127.0.0.1");
				entry.put("ServiceID", r.id());
				entry.put("ServiceName", r.name());
				entry.put("ServiceAddress", (r.address() != null) ? r.address() : "");
				entry.put("ServicePort", r.port());
				entry.put("ServiceTags", r.tags());
				entry.put("ServiceMeta", r.meta());
				return entry;
			}).toList();
		}
	}

	private Map<String, List<String>> catalogServices() {
		Map<String, List<String>> catalog = new LinkedHashMap<>();
		catalog.put("consul", List.of());
		synchronized (this.lock) {
			for (Registration registration : this.services.values()) {
				catalog.computeIfAbsent(registration.name(), (name) -> new ArrayList<>()).addAll(registration.tags());
			}
		}
		return catalog;
	}

	private Map<String, Object> agentServices() {
		Map<String, Object> services = new LinkedHashMap<>();
		synchronized (this.lock) {
			for (Registration registration : this.services.values()) {
				services.put(registration.id(), Map.of("ID", registration.id(), "Service", registration.name(), "Tags",
						registration.tags(), "Meta", registration.meta(), "Port", registration.port(), "Address",
						(registration.address() != null) ? registration.address() : ""));
			}
		}
		return services;
	}

	private Map<String, Object> check(Registration registration) {
		Map<String, Object> check = new LinkedHashMap<>();
		check.put("Node", "double");
		check.put("CheckID", "service:" + registration.id());
		check.put("Name", "Service '" + registration.name() + "' check");
		check.put("Status", registration.status());
		check.put("Notes", "");
		check.put("Output", "");
		check.put("ServiceID", registration.id());
		check.put("ServiceName", registration.name());
		check.put("ServiceTags", registration.tags());
		return check;
	}

	private static Map<String, Object> serfHealth() {
		Map<String, Object> check = new LinkedHashMap<>();
		check.put("Node", "double");
		check.put("CheckID", "serfHealth");
		check.put("Name", "Serf Health Status");
		check.put("Status", "passing");
		check.put("ServiceID", "");
		check.put("ServiceName", "");
		return check;
	}

	private static Map<String, Object> node() {
		return Map.of("ID", "00000000-0000-0000-0000-000000000001", "Node", "double", "Address", "127.0.0.1",
				"Datacenter", "dc1", "TaggedAddresses", Map.of("lan", "127.0.0.1", "wan", "127.0.0.1"), "Meta",
				Map.of());
	}

	private static void respondJson(HttpExchange exchange, Object body, @Nullable Long index) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		respond(exchange, 200, json.writeValueAsString(body), index);
	}

	private static void respond(HttpExchange exchange, int status, String body, @Nullable Long index)
			throws IOException {
		if (index != null) {
			exchange.getResponseHeaders().set("X-Consul-Index", Long.toUnsignedString(index));
		}
		exchange.getResponseHeaders().set("X-Consul-Knownleader", "true");
		exchange.getResponseHeaders().set("X-Consul-Lastcontact", "0");
		if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
			exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
		}
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(status, (bytes.length == 0) ? -1 : bytes.length);
		if (bytes.length > 0) {
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}
		exchange.close();
	}

	private static Map<String, String> parseQuery(@Nullable String rawQuery) {
		Map<String, String> query = new LinkedHashMap<>();
		if (rawQuery != null && !rawQuery.isEmpty()) {
			for (String pair : rawQuery.split("&")) {
				int eq = pair.indexOf('=');
				String key = (eq < 0) ? pair : pair.substring(0, eq);
				String value = (eq < 0) ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
				query.put(key, value);
			}
		}
		return query;
	}

	// Consul reads "?passing" and "?passing=true" as set, "?passing=false" as not set.
	private static boolean isSet(@Nullable String flag) {
		return flag != null && !flag.equalsIgnoreCase("false");
	}

	static Duration parseDuration(String value) {
		Matcher matcher = Pattern.compile("(\\d+)(ms|s|m|h)?").matcher(value.trim());
		if (!matcher.matches()) {
			throw new IllegalArgumentException("Bad duration: " + value);
		}
		long amount = Long.parseLong(matcher.group(1));
		String unit = (matcher.group(2) != null) ? matcher.group(2) : "s";
		return switch (unit) {
			case "ms" -> Duration.ofMillis(amount);
			case "m" -> Duration.ofMinutes(amount);
			case "h" -> Duration.ofHours(amount);
			default -> Duration.ofSeconds(amount);
		};
	}

	private static java.util.concurrent.ThreadFactory daemon(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	private static void shutdown(@Nullable ExecutorService executor) {
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A registered service with the state of its one check.
	 *
	 * @param id the service id
	 * @param name the service name
	 * @param address the registered address, or {@code null}
	 * @param port the registered port
	 * @param tags the tags
	 * @param meta the metadata
	 * @param http the URL of its HTTP check, or {@code null} for a TTL check
	 * @param interval the check interval
	 * @param status the check status
	 * @param nextCheckAt when the HTTP check runs next ({@link System#nanoTime()})
	 */
	record Registration(String id, String name, @Nullable String address, int port, List<String> tags,
			Map<String, String> meta, @Nullable String http, Duration interval, String status, long nextCheckAt) {

		Registration withStatus(String newStatus, long newNextCheckAt) {
			return new Registration(this.id, this.name, this.address, this.port, this.tags, this.meta, this.http,
					this.interval, newStatus, newNextCheckAt);
		}

	}

	private record Failure(int status, String body) {
	}

	/**
	 * A request the double answered.
	 *
	 * @param method the HTTP method
	 * @param path the path
	 * @param query the query parameters
	 * @param token the {@code X-Consul-Token} header, or {@code null}
	 */
	record RecordedRequest(String method, String path, Map<String, String> query, @Nullable String token) {

		@Override
		public String toString() {
			return this.method + " " + this.path + " " + this.query + ((this.token != null) ? " (token)" : "");
		}
	}

}
