package dev.switchboard.test.sample;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A tiny service under test: calls inventory through a {@code @ServiceClient}, publishes on {@code orders} and
 * listens on {@code payments}.
 *
 * @author Switchboard
 */
@SpringBootApplication
public class SampleApplication {

}
