package dev.switchboard.test.fault.consumer.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The consumer application that the consumer-crash tests start as a second JVM and kill with SIGKILL. Its
 * configuration is {@code consumer-crash.yml} plus what the test passes on the command line (binder, destination,
 * group, broker address, ledger table).
 */
@SpringBootApplication
@EnableConfigurationProperties(ConsumerCrashProperties.class)
public class ConsumerCrashApplication {

	/**
	 * Starts the consumer.
	 * @param args Spring Boot command-line properties
	 */
	public static void main(String[] args) {
		SpringApplication.run(ConsumerCrashApplication.class, args);
	}

}
