package dev.switchboard.autoconfigure.client.rest;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server that reads each request completely (headers and {@code Content-Length} body), then resets
 * the connection without answering: a request that certainly reached the server and failed afterwards.
 *
 * @author Switchboard
 */
final class ResettingServer implements AutoCloseable {

	private final ServerSocket socket;

	private final Thread acceptor;

	private final AtomicInteger requestsRead = new AtomicInteger();

	ResettingServer() throws IOException {
		this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.acceptor = new Thread(this::accept, "resetting-server");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	String url() {
		return "http://127.0.0.1:" + this.socket.getLocalPort();
	}

	/**
	 * Requests read in full before the connection was reset.
	 */
	int requestsRead() {
		return this.requestsRead.get();
	}

	private void accept() {
		while (!this.socket.isClosed()) {
			try (Socket connection = this.socket.accept()) {
				if (readRequest(connection.getInputStream())) {
					this.requestsRead.incrementAndGet();
				}
				// Linger 0: close sends RST, not FIN.
				connection.setSoLinger(true, 0);
			}
			catch (IOException ex) {
				// closed, or the client went away
			}
		}
	}

	private static boolean readRequest(InputStream in) throws IOException {
		StringBuilder headers = new StringBuilder();
		int b;
		while ((b = in.read()) != -1) {
			headers.append((char) b);
			if (headers.length() >= 4 && headers.substring(headers.length() - 4).equals("\r\n\r\n")) {
				break;
			}
		}
		if (b == -1) {
			return false;
		}
		int length = 0;
		for (String line : headers.toString().split("\r\n")) {
			if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
				length = Integer.parseInt(line.substring(15).trim());
			}
		}
		byte[] body = in.readNBytes(length);
		return body.length == length && new String(body, StandardCharsets.UTF_8).length() >= 0;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
