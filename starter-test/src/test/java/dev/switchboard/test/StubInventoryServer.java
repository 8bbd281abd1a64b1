package dev.switchboard.test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A JDK HTTP server standing in for the inventory service: {@code GET /items/<sku>} answers 5 available.
 *
 * @author Switchboard
 */
final class StubInventoryServer {

	private final HttpServer server;

	private final AtomicInteger requests = new AtomicInteger();

	private StubInventoryServer(HttpServer server) {
		this.server = server;
		this.server.createContext("/items/", this::handle);
		this.server.start();
	}

	static StubInventoryServer start() {
		try {
			return new StubInventoryServer(
					HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String url() {
		return TestDiscovery.localUrl(this.server.getAddress().getPort());
	}

	int requests() {
		return this.requests.get();
	}

	void stop() {
		this.server.stop(0);
	}

	private void handle(HttpExchange exchange) throws IOException {
		this.requests.incrementAndGet();
		String sku = exchange.getRequestURI().getPath().substring("/items/".length());
		byte[] body = ("{\"sku\":\"" + sku + "\",\"available\":5}").getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

}
