package dev.switchboard.autoconfigure.client.grpc;

import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;

/**
 * The {@code switchboard} load balancing policy: grpc keeps one subchannel per discovered instance and asks the
 * client's Switchboard balancer which ready one each call goes to. Registered with grpc through
 * {@code META-INF/services}.
 *
 * @author Switchboard
 */
public final class SwitchboardLoadBalancerProvider extends LoadBalancerProvider {

	/** Name of the policy. */
	public static final String POLICY_NAME = "switchboard";

	@Override
	public boolean isAvailable() {
		return true;
	}

	@Override
	public int getPriority() {
		return 5;
	}

	@Override
	public String getPolicyName() {
		return POLICY_NAME;
	}

	@Override
	public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
		return new SwitchboardGrpcLoadBalancer(helper);
	}

}
