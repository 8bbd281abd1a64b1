package dev.switchboard.autoconfigure.client.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.switchboard.core.balancer.CallOutcome;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.StreamUtils;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link JdkBlockingClientHttpRequestFactory} against real loopback servers.
 *
 * @author Switchboard
 */
@Timeout(30)
class JdkBlockingClientHttpRequestFactoryTests {

	private static TestHttpServer server;

	private static ResettingServer resetting;

	private static HttpServer stalling;

	private static final CountDownLatch stallingReleased = new CountDownLatch(1);

	private static int deadPort;

	// Generous for the calls that must succeed on a loaded machine, short for those that must time out.
	private static final JdkBlockingClientHttpRequestFactory factory = new JdkBlockingClientHttpRequestFactoryBuilder()
		.build(HttpClientSettings.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10)));

	private static final JdkBlockingClientHttpRequestFactory impatient = new JdkBlockingClientHttpRequestFactoryBuilder()
		.build(HttpClientSettings.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(1500)));

	@BeforeAll
	static void startServers() throws IOException {
		server = new TestHttpServer("a");
		resetting = new ResettingServer();
		// Sends the headers and 10 bytes of a 100-byte body, then nothing until released.
		stalling = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		stalling.createContext("/stall", (exchange) -> {
			exchange.sendResponseHeaders(200, 100);
			OutputStream out = exchange.getResponseBody();
			out.write(new byte[10]);
			out.flush();
			try {
				stallingReleased.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			exchange.close();
		});
		stalling.start();
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			deadPort = socket.getLocalPort();
		}
	}

	@AfterAll
	static void stopServers() throws IOException {
		stallingReleased.countDown();
		stalling.stop(0);
		resetting.close();
		server.close();
	}

	@Test
	void getReturnsStatusHeadersAndBody() throws IOException {
		ClientHttpRequest request = factory.createRequest(URI.create(server.url() + "/items/42?size=3"),
				HttpMethod.GET);
		request.getHeaders().add("X-Team", "blue");
		try (ClientHttpResponse response = request.execute()) {
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(response.getStatusText()).isEqualTo("OK");
			assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
			assertThat(StreamUtils.copyToString(response.getBody(), StandardCharsets.UTF_8))
				.isEqualTo("{\"sku\":\"42\",\"instance\":\"a\",\"method\":\"GET\",\"team\":\"blue\",\"query\":\"size=3\","
						+ "\"body\":null}");
		}
	}

	@Test
	void postSendsTheBodyThroughRestClient() {
		RestClient client = RestClient.builder().requestFactory(factory).baseUrl(server.url()).build();
		String answer = client.post().uri("/items/7").contentType(MediaType.TEXT_PLAIN).body("hello").retrieve()
			.body(String.class);
		assertThat(answer).contains("\"method\":\"POST\"").contains("\"body\":\"hello\"");
	}

	@Test
	void bodyWrittenToTheRequestStreamIsSent() throws IOException {
		ClientHttpRequest request = factory.createRequest(URI.create(server.url() + "/items/8"), HttpMethod.PUT);
		request.getBody().write("written".getBytes(StandardCharsets.UTF_8));
		try (ClientHttpResponse response = request.execute()) {
			assertThat(StreamUtils.copyToString(response.getBody(), StandardCharsets.UTF_8))
				.contains("\"method\":\"PUT\"").contains("\"body\":\"written\"");
		}
	}

	@Test
	void headersTheJdkClientRefusesAreLeftToIt() throws IOException {
		// The JDK's HttpRequest.Builder throws IllegalArgumentException for these: they must not reach it.
		ClientHttpRequest request = factory.createRequest(URI.create(server.url() + "/items/9"), HttpMethod.GET);
		request.getHeaders().add("Connection", "close");
		request.getHeaders().add("Host", "elsewhere");
		request.getHeaders().add("Expect", "100-continue");
		request.getHeaders().add("X-Team", "green");
		try (ClientHttpResponse response = request.execute()) {
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(StreamUtils.copyToString(response.getBody(), StandardCharsets.UTF_8))
				.contains("\"team\":\"green\"");
		}
	}

	@Test
	void errorStatusKeepsItsBody() {
		RestClient client = RestClient.builder().requestFactory(factory).baseUrl(server.url()).build();
		HttpClientErrorException ex = catchThrowableOfType(HttpClientErrorException.NotFound.class,
				() -> client.get().uri("/items/missing").retrieve().body(String.class));
		assertThat(ex).isNotNull();
		assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(ex.getResponseBodyAsString()).contains("\"sku\":\"missing\"");
	}

	@Test
	void responseHeadersLateByMoreThanTheReadTimeoutFailAsATimeout() throws IOException {
		server.hold();
		try {
			long start = System.nanoTime();
			ClientHttpRequest request = impatient.createRequest(URI.create(server.url() + "/items/10"),
					HttpMethod.GET);
			HttpTimeoutException ex = catchThrowableOfType(HttpTimeoutException.class, request::execute);
			assertThat(ex).isNotNull();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			assertThat(IoFailures.classify(ex)).isEqualTo(CallOutcome.TIMEOUT);
		}
		finally {
			server.release();
		}
	}

	@Test
	void bodyStalledBeyondTheReadTimeoutFailsAsATimeout() throws IOException {
		ClientHttpRequest request = impatient
			.createRequest(URI.create("http://127.0.0.1:" + stalling.getAddress().getPort() + "/stall"), HttpMethod.GET);
		try (ClientHttpResponse response = request.execute()) {
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
			InputStream body = response.getBody();
			long start = System.nanoTime();
			HttpTimeoutException ex = catchThrowableOfType(HttpTimeoutException.class, body::readAllBytes);
			assertThat(ex).isNotNull();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			assertThat(IoFailures.classify(ex)).isEqualTo(CallOutcome.TIMEOUT);
		}
	}

	@Test
	void refusedConnectionIsAConnectFailure() {
		ClientHttpRequest request = factory.createRequest(URI.create("http://127.0.0.1:" + deadPort + "/items/1"),
				HttpMethod.GET);
		ConnectException ex = catchThrowableOfType(ConnectException.class, request::execute);
		assertThat(ex).isNotNull();
		assertThat(IoFailures.classify(ex)).isEqualTo(CallOutcome.CONNECT_FAILURE);
	}

	@Test
	void connectionResetAfterTheRequestWasSentIsNotAConnectFailure() throws IOException {
		int before = resetting.requestsRead();
		ClientHttpRequest request = factory.createRequest(URI.create(resetting.url() + "/items/1"),
				HttpMethod.POST);
		request.getBody().write("order".getBytes(StandardCharsets.UTF_8));
		IOException ex = catchThrowableOfType(IOException.class, request::execute);
		assertThat(ex).isNotNull();
		assertThat(resetting.requestsRead()).isEqualTo(before + 1);
		assertThat(IoFailures.classify(ex)).isEqualTo(CallOutcome.IO_FAILURE);
	}

	@Test
	void jdkClientSendsAGetAgainOnceWhenTheConnectionClosesBeforeAnyResponse() {
		// The JDK client's own stale-connection retry (MultiExchange, GET and HEAD only), which no setting of the
		// client switches off; Spring's JDK factory has it too. Pinned here so that a change is noticed.
		int before = resetting.requestsRead();
		ClientHttpRequest request = factory.createRequest(URI.create(resetting.url() + "/items/1"),
				HttpMethod.GET);
		IOException ex = catchThrowableOfType(IOException.class, request::execute);
		assertThat(ex).isNotNull();
		assertThat(resetting.requestsRead()).isEqualTo(before + 2);
		assertThat(IoFailures.classify(ex)).isEqualTo(CallOutcome.IO_FAILURE);
	}

	@Test
	void nonPositiveReadTimeoutIsRefusedNamingIt() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new JdkBlockingClientHttpRequestFactoryBuilder()
				.build(HttpClientSettings.defaults().withReadTimeout(Duration.ZERO)))
			.withMessageContaining("PT0S");
	}

}
