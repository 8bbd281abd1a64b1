package dev.switchboard.autoconfigure.discovery.dns;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real dnsmasq for tests, serving one local domain on a free port of 127.0.0.1 (UDP and TCP).
 * <p>
 * A and AAAA records live in files of a {@code --hostsdir} that dnsmasq watches with inotify, so they change
 * without a restart; SRV records can only be given as arguments, so changing them restarts the process (tens of
 * milliseconds, same port). Every change waits until dnsmasq serves it. {@link #stop()} simulates an outage;
 * {@link #start()} ends it. Fails, never skips, when dnsmasq is not installed.
 *
 * @author Switchboard
 */
final class DnsmasqServer implements AutoCloseable {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

	private static final InetAddress LOOPBACK = loopback();

	private static final List<String> SBIN_DIRECTORIES = List.of("/usr/sbin", "/sbin", "/usr/local/sbin");

	private final String executable;

	private final String domain;

	private final List<String> extraArguments;

	private final Path directory;

	private final Path hostsDirectory;

	private final Path stagingDirectory;

	private final Path log;

	private final Map<String, Set<String>> hosts = new LinkedHashMap<>();

	private List<SrvRecord> srvRecords = List.of();

	private final Map<String, String> txtRecords = new LinkedHashMap<>();

	private int port;

	private @Nullable Process process;

	private @Nullable Thread shutdownHook;

	/**
	 * Prepares a server for {@code domain}; {@link #start()} starts it.
	 * @param domain the domain served locally (names in it that are not configured are NXDOMAIN)
	 * @param extraArguments more dnsmasq arguments, such as {@code --local-ttl=30}
	 * @throws IOException if the working directories cannot be created
	 */
	DnsmasqServer(String domain, String... extraArguments) throws IOException {
		this.executable = findExecutable();
		this.domain = domain;
		this.extraArguments = List.of(extraArguments);
		this.directory = Files.createTempDirectory("dnsmasq-");
		this.hostsDirectory = Files.createDirectory(this.directory.resolve("hosts"));
		this.stagingDirectory = Files.createDirectory(this.directory.resolve("staging"));
		this.log = this.directory.resolve("dnsmasq.log");
	}

	/**
	 * Creates and starts a server.
	 * @param domain the domain served locally
	 * @param extraArguments more dnsmasq arguments
	 * @return the running server
	 * @throws IOException if the server cannot be started
	 */
	static DnsmasqServer start(String domain, String... extraArguments) throws IOException {
		DnsmasqServer server = new DnsmasqServer(domain, extraArguments);
		try {
			server.start();
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
		return server;
	}

	/**
	 * The domain served.
	 * @return the domain, without a trailing dot
	 */
	String domain() {
		return this.domain;
	}

	/**
	 * The address dnsmasq listens on; the same after a restart.
	 * @return the address
	 */
	InetSocketAddress address() {
		if (this.port == 0) {
			throw new IllegalStateException("dnsmasq was never started");
		}
		return new InetSocketAddress(LOOPBACK, this.port);
	}

	/**
	 * Whether the dnsmasq process runs.
	 * @return {@code true} between {@link #start()} and {@link #stop()}
	 */
	synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Starts dnsmasq (on the port of the previous run, if any) and waits until it answers. Does nothing when it
	 * is running.
	 */
	synchronized void start() {
		if (isRunning()) {
			return;
		}
		if (this.port == 0) {
			this.port = freePort();
		}
		List<String> command = new ArrayList<>(List.of(this.executable, "--keep-in-foreground", "--no-daemon",
				"--port=" + this.port, "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
				"--no-poll", "--conf-file=/dev/null", "--user=root", "--pid-file=", "--local=/" + this.domain + "/",
				"--hostsdir=" + this.hostsDirectory));
		for (SrvRecord srv : this.srvRecords) {
			command.add("--srv-host=" + srv.name() + "," + srv.target() + "," + srv.port() + "," + srv.priority() + ","
					+ srv.weight());
		}
		this.txtRecords.forEach((name, text) -> command.add("--txt-record=" + name + "," + text));
		command.addAll(this.extraArguments);
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + command, ex);
		}
		if (this.shutdownHook == null) {
			// Should the test JVM exit without close(), do not leave this dnsmasq behind.
			Thread hook = new Thread(this::destroyProcess, "dnsmasq-shutdown-" + this.port);
			Runtime.getRuntime().addShutdownHook(hook);
			this.shutdownHook = hook;
		}
		awaitAnswering(command);
	}

	/**
	 * Stops dnsmasq, to simulate an outage; {@link #start()} brings it back with the same records.
	 */
	synchronized void stop() {
		destroyProcess();
	}

	/**
	 * Sets the TXT record of a name (one string), restarting dnsmasq if it runs.
	 * @param name the name, relative to the domain or fully qualified
	 * @param text the text
	 */
	synchronized void setTxtRecord(String name, String text) {
		this.txtRecords.put(qualify(name), text);
		if (isRunning()) {
			stop();
			start();
		}
	}

	/**
	 * Replaces all SRV records, restarting dnsmasq if it runs.
	 * @param records the records, names relative to the domain or fully qualified
	 */
	synchronized void setSrvRecords(SrvRecord... records) {
		this.srvRecords = Arrays.stream(records)
			.map((record) -> new SrvRecord(qualify(record.name()), qualify(record.target()), record.port(),
					record.priority(), record.weight()))
			.toList();
		if (isRunning()) {
			stop();
			start();
		}
	}

	/**
	 * Adds A or AAAA records and waits until dnsmasq serves them (when it runs).
	 * @param host the host name, relative to the domain or fully qualified
	 * @param addresses IPv4 or IPv6 literals
	 */
	synchronized void addAddresses(String host, String... addresses) {
		String name = qualify(host);
		this.hosts.computeIfAbsent(name, (key) -> new LinkedHashSet<>()).addAll(List.of(addresses));
		writeHostFile(name);
	}

	/**
	 * Removes A or AAAA records and waits until dnsmasq no longer serves them (when it runs).
	 * @param host the host name, relative to the domain or fully qualified
	 * @param addresses IPv4 or IPv6 literals
	 */
	synchronized void removeAddresses(String host, String... addresses) {
		String name = qualify(host);
		Set<String> current = this.hosts.get(name);
		if (current != null) {
			current.removeAll(List.of(addresses));
			writeHostFile(name);
		}
	}

	/**
	 * Removes all A and AAAA records of a host and waits until dnsmasq no longer serves them (when it runs).
	 * @param host the host name, relative to the domain or fully qualified
	 */
	synchronized void removeHost(String host) {
		String name = qualify(host);
		if (this.hosts.containsKey(name)) {
			this.hosts.get(name).clear();
			writeHostFile(name);
		}
	}

	/**
	 * Stops dnsmasq and deletes its files.
	 */
	@Override
	public synchronized void close() {
		destroyProcess();
		if (this.shutdownHook != null) {
			try {
				Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
			}
			catch (IllegalStateException ex) {
				// The JVM is shutting down; the hook does the work.
			}
			this.shutdownHook = null;
		}
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			// Leftover files in the build directory do no harm.
		}
	}

	/**
	 * What dnsmasq has logged so far, for failure messages.
	 * @return the log
	 */
	String log() {
		try {
			return Files.exists(this.log) ? Files.readString(this.log, StandardCharsets.UTF_8) : "";
		}
		catch (IOException ex) {
			return "(log unreadable: " + ex + ")";
		}
	}

	private String qualify(String name) {
		String trimmed = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
		return (trimmed.equals(this.domain) || trimmed.endsWith("." + this.domain)) ? trimmed
				: trimmed + "." + this.domain;
	}

	private void writeHostFile(String name) {
		Set<String> addresses = this.hosts.get(name);
		Path file = this.hostsDirectory.resolve(name);
		try {
			if (addresses.isEmpty()) {
				Files.deleteIfExists(file);
			}
			else {
				StringBuilder content = new StringBuilder();
				addresses.forEach((address) -> content.append(address).append(' ').append(name).append('\n'));
				// Written elsewhere and moved in, so that inotify never shows dnsmasq a half-written file.
				Path staged = this.stagingDirectory.resolve(name);
				Files.writeString(staged, content, StandardCharsets.UTF_8);
				Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write hosts file " + file, ex);
		}
		if (isRunning()) {
			awaitServed(name, addresses);
		}
	}

	private void awaitServed(String name, Set<String> expected) {
		Set<InetAddress> wanted = new TreeSet<>(Comparator.comparing(InetAddress::getHostAddress));
		for (String address : expected) {
			wanted.add(parseAddress(address));
		}
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		@Nullable Set<InetAddress> served = null;
		while (System.nanoTime() < deadline) {
			served = servedAddresses(name);
			if (wanted.equals(served)) {
				return;
			}
			sleep(5);
		}
		throw new IllegalStateException("dnsmasq did not serve " + wanted + " for " + name + " within " + READY_TIMEOUT
				+ " (last answer " + served + "); log:\n" + log());
	}

	private @Nullable Set<InetAddress> servedAddresses(String name) {
		Set<InetAddress> served = new TreeSet<>(Comparator.comparing(InetAddress::getHostAddress));
		for (int type : new int[] { Type.A, Type.AAAA }) {
			Message response = ask(Name.fromConstantString(name + "."), type);
			if (response == null) {
				return null;
			}
			for (Record record : response.getSection(Section.ANSWER)) {
				if (record instanceof ARecord a) {
					served.add(a.getAddress());
				}
				else if (record instanceof AAAARecord aaaa) {
					served.add(aaaa.getAddress());
				}
			}
		}
		return served;
	}

	private void awaitAnswering(List<String> command) {
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			Process current = this.process;
			if (current == null || !current.isAlive()) {
				throw new IllegalStateException("dnsmasq exited while starting: " + command + "\nlog:\n" + log());
			}
			if (ask(Name.fromConstantString(this.domain + "."), Type.SOA) != null) {
				return;
			}
			sleep(5);
		}
		destroyProcess();
		throw new IllegalStateException(
				"dnsmasq did not answer within " + READY_TIMEOUT + ": " + command + "\nlog:\n" + log());
	}

	private @Nullable Message ask(Name name, int type) {
		SimpleResolver resolver = new SimpleResolver(address());
		resolver.setTimeout(Duration.ofMillis(200));
		try {
			return resolver.send(Message.newQuery(Record.newRecord(name, type, DClass.IN)));
		}
		catch (IOException ex) {
			return null;
		}
	}

	private void destroyProcess() {
		Process current = this.process;
		if (current == null) {
			return;
		}
		current.destroy();
		try {
			if (!current.waitFor(5, TimeUnit.SECONDS)) {
				current.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			current.destroyForcibly();
		}
		this.process = null;
	}

	private static InetAddress loopback() {
		try {
			return InetAddress.getByAddress("localhost", new byte[] { 127, 0, 0, 1 });
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static InetAddress parseAddress(String literal) {
		try {
			// A literal is never looked up.
			return InetAddress.getByName(literal);
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("Not an IP literal: " + literal, ex);
		}
	}

	private static String findExecutable() {
		List<String> directories = new ArrayList<>();
		String path = System.getenv("PATH");
		if (path != null) {
			directories.addAll(List.of(path.split(File.pathSeparator)));
		}
		directories.addAll(SBIN_DIRECTORIES);
		for (String directory : directories) {
			Path candidate = Path.of(directory, "dnsmasq");
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		throw new IllegalStateException("dnsmasq is not installed (looked in PATH and " + SBIN_DIRECTORIES
				+ "): the DNS discovery tests need a real DNS server; install it with 'apt-get install -y dnsmasq'");
	}

	private static int freePort() {
		// The port must be free for both UDP and TCP: dnsmasq listens on both.
		for (int attempt = 0; attempt < 50; attempt++) {
			try (ServerSocket tcp = new ServerSocket(0, 1, LOOPBACK)) {
				int candidate = tcp.getLocalPort();
				try (DatagramSocket udp = new DatagramSocket(candidate, LOOPBACK)) {
					return candidate;
				}
				catch (IOException ex) {
					// Taken for UDP; try another.
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not find a free port", ex);
			}
		}
		throw new IllegalStateException("No port free for both UDP and TCP on 127.0.0.1 after 50 attempts");
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * One SRV record, as dnsmasq's {@code --srv-host} takes it.
	 *
	 * @param name the SRV name, such as {@code _http._tcp.inventory}, relative to the domain or fully qualified
	 * @param target the target host
	 * @param port the port
	 * @param priority the priority (lower is preferred)
	 * @param weight the weight within the priority
	 */
	record SrvRecord(String name, String target, int port, int priority, int weight) {
	}

}
