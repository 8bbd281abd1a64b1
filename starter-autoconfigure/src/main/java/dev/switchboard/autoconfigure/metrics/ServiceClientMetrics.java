package dev.switchboard.autoconfigure.metrics;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.switchboard.autoconfigure.client.ClientStatistics;
import dev.switchboard.autoconfigure.client.ClientStatistics.InstanceOutcome;
import dev.switchboard.autoconfigure.client.ServiceClientRuntime;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.balancer.OutlierDetector;
import dev.switchboard.core.balancer.P2cEwmaLoadBalancer;

/**
 * Exposes each service client's {@link ClientStatistics} and balancer state as Micrometer meters. The counters
 * are {@link FunctionCounter}s over the same adders the {@code /actuator/switchboard} endpoint reads, so both
 * always agree and a call pays nothing extra for the meters. Series that appear at run time (an instance, an
 * outcome) are registered the first time they are counted.
 * <p>
 * Meter names follow Micrometer's dotted convention; Prometheus shows them with underscores and
 * {@code _total} for counters (see {@code docs/operations.md}).
 *
 * @author Switchboard
 */
public final class ServiceClientMetrics implements MeterBinder {

	/** Calls made, however many attempts each took. */
	public static final String REQUESTS = "switchboard.call.requests";

	/** Attempts that ended, by client, instance and outcome. */
	public static final String ATTEMPTS = "switchboard.call.attempts";

	/** Retries sent to another instance. */
	public static final String RETRIES = "switchboard.call.retries";

	/** Hedged attempts, sent or skipped (executor full). */
	public static final String HEDGES = "switchboard.call.hedges";

	/** Attempts abandoned because another attempt of the call answered first. */
	public static final String CANCELLED = "switchboard.call.cancelled";

	/** Retries and hedges the retry budget refused. */
	public static final String BUDGET_REFUSALS = "switchboard.call.budget.refusals";

	/** Retries the budget allows now. */
	public static final String BUDGET_BALANCE = "switchboard.call.budget.balance";

	/** Ejections of an instance by outlier detection. */
	public static final String EJECTIONS = "switchboard.call.ejections";

	/** Whether an instance is ejected now (1) or not (0). */
	public static final String EJECTED = "switchboard.call.instance.ejected";

	/** The p2c-ewma balancer's cost of an instance (latency times load; lower wins). */
	public static final String SCORE = "switchboard.call.instance.score";

	/** The p2c-ewma balancer's latency average of an instance. */
	public static final String LATENCY = "switchboard.call.instance.latency";

	/** Attempts in flight on an instance, as the p2c-ewma balancer counts them. */
	public static final String IN_FLIGHT = "switchboard.call.instance.in.flight";

	private final ServiceClientRuntimes runtimes;

	/**
	 * Creates the binder.
	 * @param runtimes the runtimes of the service clients
	 */
	public ServiceClientMetrics(ServiceClientRuntimes runtimes) {
		this.runtimes = runtimes;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.runtimes.forEachRuntime((runtime) -> bind(registry, runtime));
	}

	private void bind(MeterRegistry registry, ServiceClientRuntime runtime) {
		String client = runtime.getSettings().name();
		Tags tags = Tags.of("client", client);
		ClientStatistics statistics = runtime.getStatistics();
		counter(registry, REQUESTS, tags, statistics, ClientStatistics::getCalls, "Calls made, however many attempts");
		counter(registry, RETRIES, tags, statistics, ClientStatistics::getRetries, "Retries on another instance");
		counter(registry, HEDGES, tags.and("outcome", "sent"), statistics, ClientStatistics::getHedges,
				"Hedged attempts");
		counter(registry, HEDGES, tags.and("outcome", "skipped"), statistics, ClientStatistics::getHedgesSkipped,
				"Hedged attempts");
		counter(registry, CANCELLED, tags, statistics, ClientStatistics::getCancelled,
				"Attempts abandoned after another attempt of the call answered");
		counter(registry, BUDGET_REFUSALS, tags, statistics, ClientStatistics::getBudgetRefusals,
				"Retries and hedges the retry budget refused");
		Gauge.builder(BUDGET_BALANCE, runtime.getRetryBudget(), (budget) -> budget.balance())
			.tags(tags)
			.description("Retries the retry budget allows now")
			.register(registry);
		Set<String> instances = ConcurrentHashMap.newKeySet();
		statistics.onNewSeries((series) -> {
			Tags instanceTags = tags.and("instance", series.instance());
			if (series.outcome() != null) {
				InstanceOutcome key = series;
				counter(registry, ATTEMPTS, instanceTags.and("outcome", series.outcome().name()), statistics,
						(s) -> s.getAttempts(key), "Attempts by instance and outcome");
			}
			else {
				counter(registry, EJECTIONS, instanceTags, statistics, (s) -> s.getEjections(series.instance()),
						"Ejections of the instance by outlier detection");
			}
			if (instances.add(series.instance())) {
				instanceGauges(registry, runtime, series.instance(), instanceTags);
			}
		});
	}

	private static void instanceGauges(MeterRegistry registry, ServiceClientRuntime runtime, String instance,
			Tags tags) {
		OutlierDetector outliers = runtime.getOutlierDetector();
		if (outliers != null) {
			Gauge.builder(EJECTED, outliers, (detector) -> detector.ejectedKeys().contains(instance) ? 1 : 0)
				.tags(tags)
				.description("Whether the instance is ejected now")
				.register(registry);
		}
		LoadBalancer balancer = runtime.getBalancer();
		if (balancer instanceof P2cEwmaLoadBalancer p2c) {
			Gauge.builder(SCORE, p2c, (b) -> load(b, instance, Load.COST))
				.tags(tags)
				.description("The p2c-ewma cost of the instance (latency times load; lower wins)")
				.register(registry);
			Gauge.builder(LATENCY, p2c, (b) -> load(b, instance, Load.LATENCY))
				.tags(tags)
				.baseUnit("seconds")
				.description("The p2c-ewma latency average of the instance")
				.register(registry);
			Gauge.builder(IN_FLIGHT, p2c, (b) -> load(b, instance, Load.IN_FLIGHT))
				.tags(tags)
				.description("Attempts in flight on the instance")
				.register(registry);
		}
	}

	private static double load(P2cEwmaLoadBalancer balancer, String instance, Load what) {
		Map<String, P2cEwmaLoadBalancer.InstanceLoad> loads = balancer.snapshot();
		P2cEwmaLoadBalancer.InstanceLoad load = loads.get(instance);
		if (load == null) {
			return Double.NaN;
		}
		return switch (what) {
			case COST -> load.cost();
			case LATENCY -> load.latencyNanos() / 1e9;
			case IN_FLIGHT -> load.inFlight();
		};
	}

	private static void counter(MeterRegistry registry, String name, Tags tags, ClientStatistics statistics,
			java.util.function.ToDoubleFunction<ClientStatistics> count, String description) {
		FunctionCounter.builder(name, statistics, count).tags(tags).description(description).register(registry);
	}

	private enum Load {

		COST, LATENCY, IN_FLIGHT

	}

}
