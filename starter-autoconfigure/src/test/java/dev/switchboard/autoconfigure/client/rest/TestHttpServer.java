package dev.switchboard.autoconfigure.client.rest;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a random loopback port that answers {@code /items/<sku>} with JSON naming itself, so
 * tests can see which instance served a call. {@code /items/slow} answers after two seconds.
 *
 * @author Switchboard
 */
final class TestHttpServer implements AutoCloseable {

	private final String name;

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	private final AtomicInteger requests = new AtomicInteger();

	private volatile int status = 200;

	private volatile long delayMillis;

	private volatile CountDownLatch gate = new CountDownLatch(0);

	TestHttpServer(String name) throws IOException {
		this.name = name;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
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

	/** Makes every answer carry this status. */
	TestHttpServer status(int status) {
		this.status = status;
		return this;
	}

	/** Makes every answer wait this long. */
	TestHttpServer delay(long millis) {
		this.delayMillis = millis;
		return this;
	}

	/**
	 * Makes every request wait, received and unanswered, until {@link #release()} (at most ten seconds).
	 */
	TestHttpServer hold() {
		this.gate = new CountDownLatch(1);
		return this;
	}

	/** Answers the requests held by {@link #hold()}, and the following ones at once. */
	void release() {
		this.gate.countDown();
	}

	private void handle(HttpExchange exchange) throws IOException {
		this.requests.incrementAndGet();
		try {
			this.gate.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		String path = exchange.getRequestURI().getRawPath();
		String sku = path.substring("/items/".length());
		if (sku.equals("slow")) {
			sleep(2000);
		}
		if (this.delayMillis > 0) {
			sleep(this.delayMillis);
		}
		String team = exchange.getRequestHeaders().getFirst("X-Team");
		String query = exchange.getRequestURI().getRawQuery();
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		String json = "{\"sku\":\"" + sku + "\",\"instance\":\"" + this.name + "\",\"method\":\""
				+ exchange.getRequestMethod() + "\",\"team\":" + quote(team) + ",\"query\":" + quote(query)
				+ ",\"body\":" + quote(body.isEmpty() ? null : body.replace("\"", "'")) + "}";
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		int status = sku.equals("missing") ? 404 : this.status;
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static String quote(String value) {
		return (value != null) ? "\"" + value + "\"" : "null";
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		release();
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
