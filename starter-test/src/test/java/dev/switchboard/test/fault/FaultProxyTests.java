package dev.switchboard.test.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FaultProxy} in front of an echo server.
 */
class FaultProxyTests {

	private ServerSocket echo;

	private FaultProxy proxy;

	@BeforeEach
	void startEchoServer() throws IOException {
		this.echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(() -> {
			while (!this.echo.isClosed()) {
				try {
					Socket socket = this.echo.accept();
					Thread echoer = new Thread(() -> echo(socket));
					echoer.setDaemon(true);
					echoer.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		});
		acceptor.setDaemon(true);
		acceptor.start();
		this.proxy = FaultProxy.start("127.0.0.1", this.echo.getLocalPort());
	}

	@AfterEach
	void stop() throws IOException {
		this.proxy.close();
		this.echo.close();
	}

	@Test
	void passesBytesBothWays() throws IOException {
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "hello")).isEqualTo("hello");
		}
		// The proxy counts a chunk once written, so the echo's count may land after the client read it.
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.proxy.getForwardedBytes()).isEqualTo(10));
	}

	@Test
	void blackHoleDropsBytesOfOpenConnectionsAndNeverAnswers() throws IOException {
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "one")).isEqualTo("one");
			this.proxy.blackHole();
			socket.getOutputStream().write("two".getBytes(StandardCharsets.UTF_8));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.proxy.getDroppedBytes() == 3);
			socket.setSoTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			this.proxy.pass();
			await().atMost(Duration.ofSeconds(5)).until(() -> this.proxy.getResets() == 1);
		}
	}

	@Test
	void blackHoleAcceptsNewConnectionsAndNeverReachesTheServer() throws IOException {
		this.proxy.blackHole();
		try (Socket socket = connect()) {
			socket.getOutputStream().write("lost".getBytes(StandardCharsets.UTF_8));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.proxy.getDroppedBytes() == 4);
			socket.setSoTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			this.proxy.pass();
			// The connection lost bytes: it is reset, and a new one reaches the server.
			socket.setSoTimeout(2000);
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> {
				socket.getOutputStream().write(1);
				socket.getInputStream().read();
			});
		}
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "back")).isEqualTo("back");
		}
	}

	@Test
	void resetAbortsOpenConnections() throws IOException {
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "one")).isEqualTo("one");
			assertThat(this.proxy.resetConnections()).isEqualTo(1);
			assertThat(this.proxy.getResets()).isEqualTo(1);
			socket.setSoTimeout(2000);
			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> socket.getInputStream().read());
		}
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "two")).isEqualTo("two");
		}
	}

	@Test
	void refuseResetsNewConnections() throws IOException {
		this.proxy.refuse();
		try (Socket socket = connect()) {
			socket.setSoTimeout(2000);
			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> {
				socket.getOutputStream().write(1);
				socket.getInputStream().read();
			});
		}
		assertThat(this.proxy.getResets()).isEqualTo(1);
	}

	@Test
	void latencyDelaysForwardedBytes() throws IOException {
		this.proxy.latency(Duration.ofMillis(200));
		try (Socket socket = connect()) {
			long start = System.nanoTime();
			assertThat(roundTrip(socket, "slow")).isEqualTo("slow");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
		}
	}

	private Socket connect() throws IOException {
		return new Socket(InetAddress.getLoopbackAddress(), this.proxy.getPort());
	}

	private static String roundTrip(Socket socket, String text) throws IOException {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		socket.getOutputStream().write(bytes);
		socket.setSoTimeout(5000);
		byte[] answer = socket.getInputStream().readNBytes(bytes.length);
		return new String(answer, StandardCharsets.UTF_8);
	}

	private static void echo(Socket socket) {
		try (socket) {
			InputStream in = socket.getInputStream();
			OutputStream out = socket.getOutputStream();
			byte[] buffer = new byte[1024];
			int read;
			while ((read = in.read(buffer)) >= 0) {
				out.write(buffer, 0, read);
			}
		}
		catch (IOException ex) {
			// The proxy closed the connection.
		}
	}

}
