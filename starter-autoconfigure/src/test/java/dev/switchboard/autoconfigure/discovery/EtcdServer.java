package dev.switchboard.autoconfigure.discovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * A real single-node etcd (Debian's {@code etcd-server}, {@code /usr/bin/etcd}) on free high loopback ports with
 * a data directory of its own, started and stopped by handle. {@link #kill()} and {@link #restart()} keep the
 * ports and the data, as a crashed and restarted member would.
 *
 * @author Switchboard
 */
public final class EtcdServer implements AutoCloseable {

	static final String ETCD = "/usr/bin/etcd";

	private final Path directory;

	private final int clientPort;

	private final int peerPort;

	private final List<String> tls;

	private int launches;

	private @Nullable Process process;

	private EtcdServer(Path directory, int clientPort, int peerPort, List<String> tls) {
		this.directory = directory;
		this.clientPort = clientPort;
		this.peerPort = peerPort;
		this.tls = tls;
	}

	public static EtcdServer start() {
		return start(List.of());
	}

	/**
	 * Starts etcd serving clients over https only.
	 * @param certificate the server certificate (PEM), valid for IP 127.0.0.1
	 * @param key its private key (PEM)
	 * @return the started server
	 */
	static EtcdServer startTls(Path certificate, Path key) {
		return start(List.of("--cert-file", certificate.toString(), "--key-file", key.toString()));
	}

	private static EtcdServer start(List<String> tls) {
		try {
			EtcdServer server = new EtcdServer(Files.createTempDirectory("switchboard-etcd"), freePort(), freePort(),
					tls);
			server.launch();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public String endpoint() {
		return (this.tls.isEmpty() ? "http" : "https") + "://127.0.0.1:" + this.clientPort;
	}

	boolean isRunning() {
		Process current = this.process;
		return current != null && current.isAlive();
	}

	/**
	 * Kills the process (SIGKILL) and waits until it is gone.
	 */
	void kill() {
		Process current = this.process;
		if (current != null) {
			current.destroyForcibly();
			await().atMost(Duration.ofSeconds(10)).until(() -> !current.isAlive());
			this.process = null;
		}
	}

	/**
	 * Freezes the process (SIGSTOP): connections stay open and nothing answers, as with a hung member.
	 */
	void freeze() {
		signal("STOP");
	}

	/**
	 * Lets a frozen process go on (SIGCONT).
	 */
	void thaw() {
		signal("CONT");
	}

	private void signal(String name) {
		Process current = this.process;
		if (current == null) {
			throw new IllegalStateException("etcd is not running");
		}
		try {
			int exit = new ProcessBuilder("kill", "-" + name, Long.toString(current.pid())).inheritIO().start().waitFor();
			if (exit != 0) {
				throw new IllegalStateException("kill -" + name + " exited with " + exit);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Starts etcd again on the same ports and data: what it stored, leases included, is back.
	 */
	void restart() {
		kill();
		launch();
	}

	private void launch() {
		String client = endpoint();
		String peer = "http://127.0.0.1:" + this.peerPort;
		List<String> command = new java.util.ArrayList<>(List.of(ETCD, "--name", "switchboard-test", "--data-dir",
				this.directory.resolve("data").toString(), "--listen-client-urls", client, "--advertise-client-urls",
				client, "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster",
				"switchboard-test=" + peer));
		command.addAll(this.tls);
		this.launches++;
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.directory.resolve("etcd.log").toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + ETCD + " (apt-get install etcd-server)", ex);
		}
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(this::healthy);
	}

	private boolean healthy() {
		if (!isRunning()) {
			throw new IllegalStateException("etcd exited: " + log());
		}
		if (!this.tls.isEmpty()) {
			// No trust for its certificate here: its own log says when it serves.
			return log().split("ready to serve client requests", -1).length - 1 >= this.launches;
		}
		try {
			HttpURLConnection connection = (HttpURLConnection) URI.create(endpoint() + "/health").toURL().openConnection();
			connection.setConnectTimeout(500);
			connection.setReadTimeout(500);
			try {
				return connection.getResponseCode() == 200
						&& new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("true");
			}
			finally {
				connection.disconnect();
			}
		}
		catch (IOException ex) {
			return false;
		}
	}

	String log() {
		try {
			return Files.readString(this.directory.resolve("etcd.log"));
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	@Override
	public void close() {
		kill();
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// A temporary directory left behind.
		}
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
