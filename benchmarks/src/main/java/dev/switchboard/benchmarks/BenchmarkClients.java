package dev.switchboard.benchmarks;

import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.service.annotation.GetExchange;

/**
 * The client interfaces the benchmark calls: the same call declared for each contender.
 *
 * @author Switchboard
 */
final class BenchmarkClients {

	private BenchmarkClients() {
	}

	/** Switchboard, one instance. */
	@ServiceClient("single")
	interface SingleClient {

		@GetExchange("/items/{id}")
		String item(@PathVariable String id);

	}

	/** Switchboard, three instances, round-robin. */
	@ServiceClient("trio")
	interface TrioClient {

		@GetExchange("/items/{id}")
		String item(@PathVariable String id);

	}

	/** Switchboard, three instances of which one is slow, round-robin. */
	@ServiceClient("slow-rr")
	interface SlowRoundRobinClient {

		@GetExchange("/items/{id}")
		String item(@PathVariable String id);

	}

	/** Switchboard, three instances of which one is slow, power of two choices over latency. */
	@ServiceClient("slow-p2c")
	interface SlowP2cClient {

		@GetExchange("/items/{id}")
		String item(@PathVariable String id);

	}

	/** Switchboard, three instances of which one is killed under load. */
	@ServiceClient("failover")
	interface FailoverClient {

		@GetExchange("/items/{id}")
		String item(@PathVariable String id);

	}

	/** Switchboard's proxy on a fixed URL: the HTTP interface proxy without discovery or balancing. */
	@ServiceClient("pinned")
	interface PinnedClient {

		@GetExchange("/items/{id}")
		String item(@PathVariable String id);

	}

	/** Spring's HTTP interface in a group balanced by Spring Cloud LoadBalancer (no base URL). */
	interface SpringLoadBalancedClient {

		@GetExchange("/items/{id}")
		String item(@PathVariable String id);

	}

}
