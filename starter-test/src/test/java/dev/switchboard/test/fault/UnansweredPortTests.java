package dev.switchboard.test.fault;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link UnansweredPort}.
 */
class UnansweredPortTests {

	@Test
	void connectionAttemptsTimeOutUnansweredUntilClosed() throws IOException {
		int port;
		try (UnansweredPort unanswered = UnansweredPort.open()) {
			port = unanswered.getPort();
			assertThat(unanswered.getAddress()).isEqualTo("127.0.0.1:" + port);
			try (Socket socket = new Socket()) {
				assertThatExceptionOfType(SocketTimeoutException.class)
					.isThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.1", port), 150));
			}
			assertThat(unanswered.probe(Duration.ofMillis(100))).isTrue();
		}
		try (Socket socket = new Socket()) {
			assertThatExceptionOfType(ConnectException.class)
				.isThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.1", port), 150));
		}
	}

}
