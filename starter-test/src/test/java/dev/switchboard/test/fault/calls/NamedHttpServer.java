package dev.switchboard.test.fault.calls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A JDK HTTP server on a random loopback port answering {@code GET /items/<sku>} with JSON that names it, so a
 * test sees which instance answered.
 *
 * @author Switchboard
 */
final class NamedHttpServer implements AutoCloseable {

	private final String name;

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	private final AtomicInteger requests = new AtomicInteger();

	NamedHttpServer(String name) {
		this.name = name;
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.createContext("/items/", this::handle);
		this.server.setExecutor(this.executor);
		this.server.start();
	}

	int port() {
		return this.server.getAddress().getPort();
	}

	String url() {
		return "http://127.0.0.1:" + port();
	}

	int requests() {
		return this.requests.get();
	}

	private void handle(HttpExchange exchange) throws IOException {
		this.requests.incrementAndGet();
		String sku = exchange.getRequestURI().getRawPath().substring("/items/".length());
		byte[] body = ("{\"sku\":\"" + sku + "\",\"instance\":\"" + this.name + "\"}").getBytes(StandardCharsets.UTF_8);
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
