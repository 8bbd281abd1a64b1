package dev.switchboard.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A JDK HTTP server on a random loopback port answering {@code /items/<id>} with a ~110-byte JSON body, with
 * an adjustable extra delay, a request counter and the time of the last request it served.
 *
 * @author Switchboard
 */
final class LoopbackServer implements AutoCloseable {

	static {
		// Without TCP_NODELAY, small responses wait for delayed ACKs (~40 ms per call).
		System.setProperty("sun.net.httpserver.nodelay", "true");
	}

	private final HttpServer server;

	private final ExecutorService executor;

	private final AtomicLong requests = new AtomicLong();

	private volatile long lastRequestNanos;

	private volatile long delayMillis;

	LoopbackServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
		this.executor = Executors.newFixedThreadPool(32);
		this.server.setExecutor(this.executor);
		this.server.createContext("/items/", this::handle);
		this.server.start();
	}

	int port() {
		return this.server.getAddress().getPort();
	}

	String url() {
		return "http://127.0.0.1:" + port();
	}

	void delay(long millis) {
		this.delayMillis = millis;
	}

	long requests() {
		return this.requests.get();
	}

	long lastRequestNanos() {
		return this.lastRequestNanos;
	}

	private void handle(HttpExchange exchange) throws IOException {
		this.requests.incrementAndGet();
		this.lastRequestNanos = System.nanoTime();
		long delay = this.delayMillis;
		if (delay > 0) {
			try {
				Thread.sleep(delay);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		String id = exchange.getRequestURI().getRawPath().substring("/items/".length());
		byte[] body = ("{\"id\":\"" + id + "\",\"name\":\"benchmark item\",\"available\":42,"
				+ "\"warehouse\":\"loopback\",\"price\":1999}").getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
