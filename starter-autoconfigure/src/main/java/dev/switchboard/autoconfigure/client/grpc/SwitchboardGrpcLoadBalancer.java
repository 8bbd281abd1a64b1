package dev.switchboard.autoconfigure.client.grpc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.ClientStreamTracer;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.Deadline;
import io.grpc.EquivalentAddressGroup;
import io.grpc.Metadata;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.grpc.internal.GrpcHttpStatus;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.discovery.NoInstanceAvailableException;

import org.springframework.cloud.client.ServiceInstance;

/**
 * A grpc load balancing policy that lets Switchboard's balancer choose: one subchannel per discovered instance,
 * kept connected; each call picks among the ready ones with {@link LoadBalancer#choose}, and a stream tracer
 * reports the attempt's latency and outcome to {@link LoadBalancer#onStart}/{@link LoadBalancer#onComplete}.
 * Instances that cannot be reached drop out of the choice until they reconnect, which is what makes calls fail
 * over to the live instances.
 *
 * @author Switchboard
 */
final class SwitchboardGrpcLoadBalancer extends io.grpc.LoadBalancer {

	private final Helper helper;

	private final Map<String, Entry> entries = new LinkedHashMap<>();

	private @Nullable DiscoveryTarget target;

	SwitchboardGrpcLoadBalancer(Helper helper) {
		this.helper = helper;
	}

	@Override
	public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
		DiscoveryTarget resolvedTarget = resolved.getAttributes().get(DiscoveryTarget.ATTRIBUTE);
		if (resolvedTarget == null) {
			Status error = Status.UNAVAILABLE.withDescription(
					"The '" + SwitchboardLoadBalancerProvider.POLICY_NAME + "' policy only serves switchboard:// targets");
			handleNameResolutionError(error);
			return error;
		}
		this.target = resolvedTarget;
		Map<String, EquivalentAddressGroup> wanted = new LinkedHashMap<>();
		for (EquivalentAddressGroup group : resolved.getAddresses()) {
			wanted.put(group.getAddresses().toString(), group);
		}
		for (Iterator<Map.Entry<String, Entry>> it = this.entries.entrySet().iterator(); it.hasNext();) {
			Map.Entry<String, Entry> existing = it.next();
			if (!wanted.containsKey(existing.getKey())) {
				existing.getValue().subchannel.shutdown();
				it.remove();
			}
		}
		wanted.forEach((key, group) -> {
			ServiceInstance instance = group.getAttributes().get(DiscoveryTarget.INSTANCE);
			Entry existing = this.entries.get(key);
			if (existing != null) {
				existing.instance = (instance != null) ? instance : existing.instance;
				existing.subchannel.updateAddresses(List.of(group));
			}
			else if (instance != null) {
				Subchannel subchannel = this.helper
					.createSubchannel(CreateSubchannelArgs.newBuilder().setAddresses(group).build());
				Entry entry = new Entry(subchannel, instance);
				this.entries.put(key, entry);
				subchannel.start((state) -> stateChanged(key, entry, state));
				subchannel.requestConnection();
			}
		});
		updateBalancingState();
		return Status.OK;
	}

	@Override
	public void handleNameResolutionError(Status error) {
		if (this.entries.isEmpty()) {
			this.helper.updateBalancingState(ConnectivityState.TRANSIENT_FAILURE, new ErrorPicker(error));
		}
	}

	@Override
	public void requestConnection() {
		for (Entry entry : this.entries.values()) {
			if (entry.state == ConnectivityState.IDLE) {
				entry.subchannel.requestConnection();
			}
		}
	}

	@Override
	public void shutdown() {
		this.entries.values().forEach((entry) -> entry.subchannel.shutdown());
		this.entries.clear();
	}

	private void stateChanged(String key, Entry entry, ConnectivityStateInfo info) {
		if (this.entries.get(key) != entry || info.getState() == ConnectivityState.SHUTDOWN) {
			return;
		}
		entry.state = info.getState();
		switch (info.getState()) {
			case READY -> entry.failing = false;
			case TRANSIENT_FAILURE -> {
				// Stays out of the choice until it is ready again, even while it retries in CONNECTING.
				entry.failing = true;
				entry.lastError = info.getStatus();
				this.helper.refreshNameResolution();
			}
			case IDLE -> entry.subchannel.requestConnection();
			default -> {
			}
		}
		updateBalancingState();
	}

	private void updateBalancingState() {
		DiscoveryTarget current = this.target;
		if (current == null) {
			return;
		}
		List<Entry> ready = new ArrayList<>();
		boolean connecting = false;
		Status lastError = null;
		for (Entry entry : this.entries.values()) {
			if (entry.state == ConnectivityState.READY) {
				ready.add(entry);
			}
			else if (!entry.failing) {
				connecting = true;
			}
			else if (entry.lastError != null) {
				lastError = entry.lastError;
			}
		}
		if (!ready.isEmpty()) {
			this.helper.updateBalancingState(ConnectivityState.READY, new ReadyPicker(ready, current.balancer()));
		}
		else if (this.entries.isEmpty()) {
			String message = new NoInstanceAvailableException(current.serviceId(), current.discovery().backend(), null)
				.getMessage();
			this.helper.updateBalancingState(ConnectivityState.TRANSIENT_FAILURE,
					new ErrorPicker(Status.UNAVAILABLE.withDescription(message)));
		}
		else if (connecting) {
			this.helper.updateBalancingState(ConnectivityState.CONNECTING, new ErrorPicker(null));
		}
		else {
			String message = "None of the " + this.entries.size() + " instances of service '" + current.serviceId()
					+ "' can be reached" + ((lastError != null) ? ": " + lastError.getCode() + " "
							+ lastError.getDescription() : "");
			this.helper.updateBalancingState(ConnectivityState.TRANSIENT_FAILURE, new ErrorPicker(
					Status.UNAVAILABLE.withDescription(message).withCause((lastError != null) ? lastError.getCause() : null)));
		}
	}

	private static final class Entry {

		private final Subchannel subchannel;

		private ServiceInstance instance;

		private ConnectivityState state = ConnectivityState.IDLE;

		private boolean failing;

		private @Nullable Status lastError;

		Entry(Subchannel subchannel, ServiceInstance instance) {
			this.subchannel = subchannel;
			this.instance = instance;
		}

	}

	/**
	 * Fails calls with an error, or (without one) keeps them waiting for a connection.
	 */
	private static final class ErrorPicker extends SubchannelPicker {

		private final PickResult result;

		ErrorPicker(@Nullable Status error) {
			this.result = (error != null) ? PickResult.withError(error) : PickResult.withNoResult();
		}

		@Override
		public PickResult pickSubchannel(PickSubchannelArgs args) {
			return this.result;
		}

	}

	/**
	 * Lets the Switchboard balancer choose among the ready instances.
	 */
	private static final class ReadyPicker extends SubchannelPicker {

		private final List<ServiceInstance> instances;

		private final Map<ServiceInstance, Subchannel> subchannels = new IdentityHashMap<>();

		private final Map<String, Subchannel> byKey = new HashMap<>();

		private final Map<String, ServiceInstance> instanceByKey = new HashMap<>();

		private final LoadBalancer balancer;

		ReadyPicker(List<Entry> ready, LoadBalancer balancer) {
			List<ServiceInstance> list = new ArrayList<>(ready.size());
			for (Entry entry : ready) {
				list.add(entry.instance);
				this.subchannels.put(entry.instance, entry.subchannel);
				this.byKey.put(LoadBalancer.key(entry.instance), entry.subchannel);
				this.instanceByKey.put(LoadBalancer.key(entry.instance), entry.instance);
			}
			this.instances = List.copyOf(list);
			this.balancer = balancer;
		}

		@Override
		public PickResult pickSubchannel(PickSubchannelArgs args) {
			ServiceInstance pinned = args.getCallOptions().getOption(DiscoveryTarget.PINNED_INSTANCE);
			Subchannel subchannel = (pinned != null) ? this.byKey.get(LoadBalancer.key(pinned)) : null;
			ServiceInstance chosen = (subchannel != null) ? this.instanceByKey.get(LoadBalancer.key(pinned)) : null;
			if (chosen == null) {
				// No pin, or the pinned instance is not connected: the balancer chooses among the ready ones.
				chosen = this.balancer.choose(this.instances);
				subchannel = this.subchannels.get(chosen);
			}
			if (subchannel == null) {
				return PickResult.withError(Status.INTERNAL
					.withDescription("Load balancer " + this.balancer + " chose an instance it was not offered: " + chosen));
			}
			AtomicReference<@Nullable ServiceInstance> holder = args.getCallOptions()
				.getOption(DiscoveryTarget.CHOSEN_INSTANCE);
			if (holder != null) {
				holder.set(chosen);
			}
			// A call run by the call policy is reported to the balancer by the policy: only track the sending.
			return PickResult.withSubchannel(subchannel, (pinned != null)
					? new SentTracker(args.getCallOptions().getOption(DiscoveryTarget.REQUEST_SENT))
					: new OutcomeReporter(this.balancer, chosen));
		}

	}

	/**
	 * Tells a call run by the call policy whether its request reached a transport.
	 */
	private static final class SentTracker extends ClientStreamTracer.Factory {

		private final @Nullable AtomicBoolean sent;

		SentTracker(@Nullable AtomicBoolean sent) {
			this.sent = sent;
		}

		@Override
		public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
			AtomicBoolean flag = this.sent;
			return new ClientStreamTracer() {

				@Override
				public void outboundHeaders() {
					if (flag != null) {
						flag.set(true);
					}
				}

			};
		}

	}

	/**
	 * Reports each attempt that reaches a transport to the balancer: start, latency, outcome.
	 */
	private static final class OutcomeReporter extends ClientStreamTracer.Factory {

		private final LoadBalancer balancer;

		private final ServiceInstance instance;

		OutcomeReporter(LoadBalancer balancer, ServiceInstance instance) {
			this.balancer = balancer;
			this.instance = instance;
		}

		@Override
		public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
			return new Tracer(this.balancer, this.instance, info.getCallOptions().getDeadline());
		}

	}

	private static final class Tracer extends ClientStreamTracer {

		private final LoadBalancer balancer;

		private final ServiceInstance instance;

		private final long start;

		private final AtomicBoolean completed = new AtomicBoolean();

		private volatile boolean requestSent;

		private volatile @Nullable Integer httpStatus;

		private final @Nullable Deadline deadline;

		Tracer(LoadBalancer balancer, ServiceInstance instance, @Nullable Deadline deadline) {
			this.balancer = balancer;
			this.instance = instance;
			this.deadline = deadline;
			balancer.onStart(instance);
			this.start = System.nanoTime();
		}

		@Override
		public void outboundHeaders() {
			this.requestSent = true;
		}

		@Override
		public void inboundTrailers(Metadata trailers) {
			this.httpStatus = GrpcHttpStatus.fromTrailers(trailers);
		}

		@Override
		public void streamClosed(Status status) {
			if (this.completed.compareAndSet(false, true)) {
				// A stream cut by the call's deadline closes as CANCELLED on the client side.
				if (status.getCode() == Status.Code.CANCELLED && this.deadline != null && this.deadline.isExpired()) {
					status = Status.DEADLINE_EXCEEDED;
				}
				this.balancer.onComplete(this.instance, System.nanoTime() - this.start,
						GrpcCallOutcomes.classify(status, this.requestSent, this.httpStatus));
			}
		}

	}

}
