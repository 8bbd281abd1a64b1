package dev.switchboard.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;

/**
 * Runs a call from several threads in a closed loop (each thread calls again as soon as the previous call
 * returns) for a fixed time, recording every latency.
 *
 * @author Switchboard
 */
final class ClosedLoop {

	private ClosedLoop() {
	}

	interface Call {

		void run(long sequence) throws Exception;

	}

	record Result(double p50Micros, double p99Micros, double throughput, long calls, long errors,
			double cpuMicrosPerCall, double allocatedBytesPerCall, double p999Micros) {

		Result(double p50Micros, double p99Micros, double throughput, long calls, long errors,
				double cpuMicrosPerCall) {
			this(p50Micros, p99Micros, throughput, calls, errors, cpuMicrosPerCall, 0, 0);
		}

	}

	static Result run(Call call, int threads, Duration duration) throws InterruptedException {
		List<Histogram> histograms = new ArrayList<>();
		AtomicLong errors = new AtomicLong();
		AtomicLong sequence = new AtomicLong();
		// Bytes the calling threads allocate: unlike time and CPU, not moved by other processes on the machine.
		AtomicLong allocated = new AtomicLong();
		CountDownLatch done = new CountDownLatch(threads);
		long cpuBefore = processCpuNanos();
		long start = System.nanoTime();
		long end = start + duration.toNanos();
		for (int i = 0; i < threads; i++) {
			Histogram histogram = new Histogram(60_000_000_000L, 3);
			histograms.add(histogram);
			Thread thread = new Thread(() -> {
				long allocatedBefore = allocatedBytes();
				try {
					while (true) {
						long before = System.nanoTime();
						if (before >= end) {
							return;
						}
						try {
							call.run(sequence.getAndIncrement());
						}
						catch (Exception ex) {
							errors.incrementAndGet();
						}
						histogram.recordValue(System.nanoTime() - before);
					}
				}
				finally {
					allocated.addAndGet(allocatedBytes() - allocatedBefore);
					done.countDown();
				}
			}, "load-" + i);
			thread.start();
		}
		done.await();
		long elapsed = System.nanoTime() - start;
		long cpu = processCpuNanos() - cpuBefore;
		Histogram all = new Histogram(60_000_000_000L, 3);
		histograms.forEach(all::add);
		long calls = all.getTotalCount();
		return new Result(all.getValueAtPercentile(50) / 1000.0, all.getValueAtPercentile(99) / 1000.0,
				calls / (elapsed / 1e9), calls, errors.get(), (calls > 0) ? cpu / 1000.0 / calls : 0,
				(calls > 0) ? (double) allocated.get() / calls : 0, all.getValueAtPercentile(99.9) / 1000.0);
	}

	private static long allocatedBytes() {
		if (java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean sun) {
			return sun.getCurrentThreadAllocatedBytes();
		}
		return 0;
	}

	private static long processCpuNanos() {
		java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
			return sun.getProcessCpuTime();
		}
		return 0;
	}

}
