package dev.switchboard.test.fault.consumer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An application in a second JVM, on the test JVM's class path, with its output in a log file. Only ever stopped
 * through its own {@link Process} handle, so a test ends exactly the process it started.
 */
final class ConsumerProcess implements AutoCloseable {

	/** The exit code of a JVM ended by SIGKILL: 128 + 9. */
	static final int SIGKILL_EXIT_CODE = 137;

	private final Process process;

	private final Path log;

	private ConsumerProcess(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	/**
	 * Starts {@code mainClass} in a new JVM.
	 * @param mainClass the main class, on the test class path
	 * @param args its command-line arguments
	 * @param log where its standard output and error go
	 * @return the running process
	 * @throws IOException if the JVM cannot be started
	 */
	static ConsumerProcess start(Class<?> mainClass, List<String> args, Path log) throws IOException {
		Files.createDirectories(log.getParent());
		List<String> command = new ArrayList<>();
		command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		// Small and quick to start: two of these and the test JVM share two cores.
		command.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
				"-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
		command.addAll(args);
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		return new ConsumerProcess(process, log);
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	Path log() {
		return this.log;
	}

	/**
	 * Kills the process with SIGKILL (what {@link Process#destroyForcibly()} sends on Linux) and waits for it to die.
	 * @return its exit code
	 */
	int kill() throws InterruptedException {
		this.process.destroyForcibly();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Process " + pid() + " did not die within 10 s of SIGKILL");
		}
		return this.process.exitValue();
	}

	/**
	 * Waits for the process to end by itself (it should not).
	 * @param timeout how long to wait
	 * @return whether it ended
	 */
	boolean waitFor(Duration timeout) throws InterruptedException {
		return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Override
	public String toString() {
		return "pid " + pid() + " (log " + this.log + ")";
	}

}
