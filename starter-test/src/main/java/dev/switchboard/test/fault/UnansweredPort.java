package dev.switchboard.test.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A loopback port where a TCP connection is never established: the SYN of a client is neither answered nor
 * refused, as with a host that is down behind a firewall that drops packets. A client connecting to it waits for
 * its connect timeout, never for its read timeout, which is what a test of connect timeouts needs (a port where
 * nothing listens refuses at once instead).
 * <p>
 * Made with the kernel's own behaviour: a listening socket with a backlog of one that never accepts, whose accept
 * queue is filled by connections of its own; Linux then drops further SYNs (with
 * {@code net.ipv4.tcp_abort_on_overflow=0}, the default). {@link #open()} checks that a connection attempt
 * really goes unanswered and fails otherwise, so a test never runs against a port that answers.
 * <pre class="code">
 * try (UnansweredPort unanswered = UnansweredPort.open()) {
 *     assertThat(unanswered.probe(Duration.ofMillis(100))).isTrue();   // the fault took effect
 *     // list "http://" + unanswered.getAddress() as an instance, then call it
 * }
 * </pre>
 *
 * @author Switchboard
 */
public final class UnansweredPort implements AutoCloseable {

	private static final int MAX_FILLERS = 64;

	private static final Duration FILL_TIMEOUT = Duration.ofMillis(200);

	private final ServerSocket server;

	private final List<Socket> fillers;

	private UnansweredPort(ServerSocket server, List<Socket> fillers) {
		this.server = server;
		this.fillers = fillers;
	}

	/**
	 * Opens a port on 127.0.0.1 whose connection attempts go unanswered.
	 * @return the port
	 * @throws IllegalStateException if the operating system answers connection attempts anyway
	 */
	public static UnansweredPort open() {
		ServerSocket server = null;
		List<Socket> fillers = new ArrayList<>();
		try {
			server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
			InetSocketAddress address = new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
			// Connect until one attempt times out: the accept queue is then full, and SYNs are dropped.
			while (fillers.size() < MAX_FILLERS) {
				Socket filler = new Socket();
				try {
					filler.connect(address, (int) FILL_TIMEOUT.toMillis());
					fillers.add(filler);
				}
				catch (SocketTimeoutException ex) {
					filler.close();
					return new UnansweredPort(server, fillers);
				}
			}
			throw new IllegalStateException("Connections to " + address + " are still accepted after "
					+ MAX_FILLERS + " connections that were never accepted: this system does not leave a SYN "
					+ "unanswered when the accept queue is full");
		}
		catch (IOException ex) {
			closeAll(server, fillers);
			throw new UncheckedIOException("Could not make an unanswered port on 127.0.0.1", ex);
		}
		catch (RuntimeException ex) {
			closeAll(server, fillers);
			throw ex;
		}
	}

	/**
	 * The port.
	 * @return the port number
	 */
	public int getPort() {
		return this.server.getLocalPort();
	}

	/**
	 * The address as {@code 127.0.0.1:port}.
	 * @return the address
	 */
	public String getAddress() {
		return this.server.getInetAddress().getHostAddress() + ":" + getPort();
	}

	/**
	 * Tries to connect, to show that the fault is in effect.
	 * @param timeout how long to wait for the connection
	 * @return {@code true} if the attempt timed out unanswered; {@code false} if it connected or was refused
	 */
	public boolean probe(Duration timeout) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(this.server.getInetAddress(), getPort()), (int) timeout.toMillis());
			return false;
		}
		catch (SocketTimeoutException ex) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Closes the port and the connections that fill its queue.
	 */
	@Override
	public void close() {
		closeAll(this.server, this.fillers);
	}

	@Override
	public String toString() {
		return "UnansweredPort[" + getAddress() + "]";
	}

	private static void closeAll(@Nullable ServerSocket server, List<Socket> fillers) {
		for (Socket filler : fillers) {
			try {
				filler.close();
			}
			catch (IOException ex) {
				// Closing anyway.
			}
		}
		if (server != null) {
			try {
				server.close();
			}
			catch (IOException ex) {
				// Closing anyway.
			}
		}
	}

}
