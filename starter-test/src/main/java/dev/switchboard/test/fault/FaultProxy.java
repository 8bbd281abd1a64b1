package dev.switchboard.test.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on the loopback interface that injects real network faults between an application and a server
 * (a broker, a registry, an HTTP or gRPC instance). Point the application at {@link #getPort()} instead of the
 * server, then switch the proxy's {@link Mode} while the test runs:
 * <ul>
 * <li>{@link #pass()}: bytes flow both ways, after the configured {@link #latency(Duration) latency};</li>
 * <li>{@link #blackHole()}: connections are accepted and kept open, and every byte in either direction is read
 * and dropped ({@link #getDroppedBytes()} counts them): the peer never answers, as behind a firewall that drops
 * packets or a server that hangs. A connection that lost bytes cannot carry its protocol any more: when traffic
 * passes again it is reset, as a peer would once its retransmissions gave up;</li>
 * <li>{@link #resetConnections()}: every open connection is aborted with a TCP reset ({@link #getResets()}
 * counts them); new connections pass.</li>
 * <li>{@link #refuse()}: new connections are reset at once, as if nothing listened; open ones are reset too.</li>
 * </ul>
 * A fault test first asserts that its fault took effect (bytes were dropped, connections were reset), then
 * asserts the outcome. The proxy uses plain blocking sockets, two threads per connection: it is meant for
 * tests, not for load.
 * <p>
 * Written by hand because no library on the test classpath injects faults into a TCP stream on loopback.
 *
 * @author Switchboard
 */
public final class FaultProxy implements AutoCloseable {

	private static final int BUFFER_SIZE = 16 * 1024;

	private final ServerSocket server;

	private final InetSocketAddress target;

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private final AtomicLong droppedBytes = new AtomicLong();

	private final AtomicLong forwardedBytes = new AtomicLong();

	private final AtomicLong resets = new AtomicLong();

	private final AtomicLong accepted = new AtomicLong();

	private final Thread acceptor;

	private volatile Mode mode = Mode.PASS;

	private volatile long latencyMillis;

	private volatile boolean closed;

	private FaultProxy(ServerSocket server, InetSocketAddress target) {
		this.server = server;
		this.target = target;
		this.acceptor = new Thread(this::acceptLoop, "fault-proxy-" + server.getLocalPort());
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * Starts a proxy on a free loopback port in front of a server.
	 * @param host the server's host
	 * @param port the server's port
	 * @return the running proxy, passing traffic
	 */
	public static FaultProxy start(String host, int port) {
		return start(0, host, port);
	}

	/**
	 * Starts a proxy on a given loopback port in front of a server.
	 * @param listenPort the port to listen on, {@code 0} for a free one
	 * @param host the server's host
	 * @param port the server's port
	 * @return the running proxy, passing traffic
	 */
	public static FaultProxy start(int listenPort, String host, int port) {
		try {
			ServerSocket server = new ServerSocket();
			server.setReuseAddress(true);
			server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 128);
			return new FaultProxy(server, new InetSocketAddress(host, port));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not listen on 127.0.0.1:" + listenPort, ex);
		}
	}

	/**
	 * The port the proxy listens on.
	 * @return the port
	 */
	public int getPort() {
		return this.server.getLocalPort();
	}

	/**
	 * The proxy's address as {@code host:port}.
	 * @return the address
	 */
	public String getAddress() {
		return this.server.getInetAddress().getHostAddress() + ":" + getPort();
	}

	/**
	 * The current mode.
	 * @return the mode
	 */
	public Mode getMode() {
		return this.mode;
	}

	/**
	 * Passes traffic both ways: open connections resume forwarding, new ones reach the server.
	 */
	public void pass() {
		this.mode = Mode.PASS;
		int reset = 0;
		for (Link link : this.links) {
			if (link.lostBytes) {
				link.close(true);
				reset++;
			}
		}
		this.resets.addAndGet(reset);
	}

	/**
	 * Drops every byte in both directions on open and new connections, keeping them open.
	 */
	public void blackHole() {
		this.mode = Mode.BLACK_HOLE;
	}

	/**
	 * Resets new connections at once and aborts the open ones.
	 */
	public void refuse() {
		this.mode = Mode.REFUSE;
		resetOpenConnections();
	}

	/**
	 * Aborts every open connection with a TCP reset; new connections pass (the mode becomes {@link Mode#PASS}).
	 * @return how many connections were reset
	 */
	public int resetConnections() {
		this.mode = Mode.PASS;
		return resetOpenConnections();
	}

	/**
	 * Delays every chunk of bytes forwarded while passing.
	 * @param latency the delay, {@link Duration#ZERO} for none
	 */
	public void latency(Duration latency) {
		if (latency.isNegative()) {
			throw new IllegalArgumentException("latency must not be negative but was " + latency);
		}
		this.latencyMillis = latency.toMillis();
	}

	/**
	 * Bytes read from either side and dropped (black hole).
	 * @return the count
	 */
	public long getDroppedBytes() {
		return this.droppedBytes.get();
	}

	/**
	 * Bytes forwarded in either direction.
	 * @return the count
	 */
	public long getForwardedBytes() {
		return this.forwardedBytes.get();
	}

	/**
	 * Connections aborted with a reset by {@link #resetConnections()} or {@link #refuse()}, and connections
	 * refused.
	 * @return the count
	 */
	public long getResets() {
		return this.resets.get();
	}

	/**
	 * Connections accepted since the start.
	 * @return the count
	 */
	public long getAcceptedConnections() {
		return this.accepted.get();
	}

	/**
	 * Connections open now.
	 * @return the count
	 */
	public int getOpenConnections() {
		return this.links.size();
	}

	/**
	 * Stops listening and closes every connection.
	 */
	@Override
	public void close() {
		this.closed = true;
		closeQuietly(this.server);
		this.links.forEach((link) -> link.close(false));
		this.links.clear();
	}

	@Override
	public String toString() {
		return "FaultProxy[" + getAddress() + " -> " + this.target + ", " + this.mode + "]";
	}

	private int resetOpenConnections() {
		int count = 0;
		for (Link link : this.links) {
			link.close(true);
			count++;
		}
		this.resets.addAndGet(count);
		return count;
	}

	private void acceptLoop() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				if (this.closed) {
					return;
				}
				continue;
			}
			this.accepted.incrementAndGet();
			if (this.mode == Mode.REFUSE) {
				abort(client);
				this.resets.incrementAndGet();
				continue;
			}
			Link link = new Link(client);
			this.links.add(link);
			Thread opener = new Thread(link::open, "fault-proxy-link-" + client.getPort());
			opener.setDaemon(true);
			opener.start();
		}
	}

	private static void abort(Socket socket) {
		try {
			// SO_LINGER 0: close sends a RST instead of a FIN.
			socket.setSoLinger(true, 0);
		}
		catch (SocketException ex) {
			// Already closed.
		}
		closeQuietly(socket);
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// Closing a broken socket.
		}
	}

	/**
	 * What the proxy does with traffic.
	 */
	public enum Mode {

		/** Forward bytes both ways. */
		PASS,

		/** Accept connections and drop every byte. */
		BLACK_HOLE,

		/** Reset connections. */
		REFUSE

	}

	/**
	 * One client connection and, once the server is reached, its server connection.
	 */
	private final class Link {

		private final Socket client;

		private volatile Socket upstream;

		private volatile boolean done;

		private volatile boolean lostBytes;

		Link(Socket client) {
			this.client = Objects.requireNonNull(client);
		}

		void open() {
			try {
				// A black hole never reaches the server: wait, dropping what the client sends, until it ends.
				while (FaultProxy.this.mode == Mode.BLACK_HOLE && !this.done) {
					drain(this.client.getInputStream());
				}
				if (this.done) {
					return;
				}
				if (this.lostBytes) {
					close(true);
					return;
				}
				Socket server = new Socket();
				server.connect(FaultProxy.this.target, 5000);
				server.setTcpNoDelay(true);
				this.client.setTcpNoDelay(true);
				this.upstream = server;
				Thread upstreamPump = new Thread(() -> pump(this.client, server),
						"fault-proxy-up-" + this.client.getPort());
				upstreamPump.setDaemon(true);
				upstreamPump.start();
				pump(server, this.client);
			}
			catch (IOException ex) {
				close(false);
			}
		}

		/** Reads whatever is available for a short while and drops it; returns when there is nothing more. */
		private void drain(InputStream in) throws IOException {
			this.client.setSoTimeout(50);
			byte[] buffer = new byte[BUFFER_SIZE];
			try {
				int read = in.read(buffer);
				if (read < 0) {
					close(false);
				}
				else {
					this.lostBytes = true;
					FaultProxy.this.droppedBytes.addAndGet(read);
				}
			}
			catch (java.net.SocketTimeoutException ex) {
				// Nothing sent: look at the mode again.
			}
			finally {
				if (!this.done) {
					this.client.setSoTimeout(0);
				}
			}
		}

		private void pump(Socket from, Socket to) {
			byte[] buffer = new byte[BUFFER_SIZE];
			try {
				InputStream in = from.getInputStream();
				OutputStream out = to.getOutputStream();
				int read;
				while (!this.done && (read = in.read(buffer)) >= 0) {
					if (FaultProxy.this.mode != Mode.PASS || this.lostBytes) {
						this.lostBytes = true;
						FaultProxy.this.droppedBytes.addAndGet(read);
						continue;
					}
					long latency = FaultProxy.this.latencyMillis;
					if (latency > 0) {
						Thread.sleep(latency);
					}
					out.write(buffer, 0, read);
					out.flush();
					FaultProxy.this.forwardedBytes.addAndGet(read);
				}
			}
			catch (IOException ex) {
				// The connection broke on one side: close both.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			close(false);
		}

		void close(boolean reset) {
			if (this.done) {
				return;
			}
			this.done = true;
			FaultProxy.this.links.remove(this);
			if (reset) {
				abort(this.client);
				Socket server = this.upstream;
				if (server != null) {
					abort(server);
				}
			}
			else {
				closeQuietly(this.client);
				Socket server = this.upstream;
				if (server != null) {
					closeQuietly(server);
				}
			}
		}

	}

}
