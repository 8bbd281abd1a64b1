package dev.switchboard.autoconfigure.client.grpc;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import org.jspecify.annotations.Nullable;

import dev.switchboard.autoconfigure.client.ClientBalancers;
import dev.switchboard.autoconfigure.client.ClientSettings;
import dev.switchboard.autoconfigure.client.ClientTlsBundles;
import dev.switchboard.autoconfigure.client.MethodPolicies;
import dev.switchboard.autoconfigure.client.ServiceClientProperties;
import dev.switchboard.autoconfigure.client.ServiceClientRuntime;
import dev.switchboard.autoconfigure.client.ServiceClientRuntimes;
import dev.switchboard.autoconfigure.client.rest.ServiceClientHttpServiceGroupConfigurer;
import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.autoconfigure.observation.SwitchboardObservations;
import dev.switchboard.autoconfigure.propagation.PropagatedHeaders;
import dev.switchboard.core.balancer.LoadBalancer;
import dev.switchboard.core.discovery.ServiceDiscovery;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.Ordered;
import org.springframework.grpc.client.ChannelBuilderOptions;
import org.springframework.grpc.client.ClientInterceptorsConfigurer;
import org.springframework.grpc.client.DefaultGrpcChannelFactory;
import org.springframework.grpc.client.GrpcChannelBuilderCustomizer;
import org.springframework.grpc.client.GrpcChannelFactory;

/**
 * Spring gRPC {@link GrpcChannelFactory} for {@code switchboard://<client>} targets: channels resolved through
 * Switchboard's discovery, balanced by the client's Switchboard balancer (the {@code switchboard} policy), with
 * the client's read timeout as default deadline and its SSL bundle as TLS credentials. Spring gRPC's global
 * interceptors and channel customizers apply as they do to its own channels, and channels are shut down when
 * the context closes.
 * <p>
 * Ordered first so that, inside Spring gRPC's composite factory, {@code switchboard://} targets come here; any
 * other target is left to Spring gRPC's factories.
 *
 * @param <T> the type of channel builder
 * @author Switchboard
 */
public class SwitchboardGrpcChannelFactory<T extends ManagedChannelBuilder<T>> extends DefaultGrpcChannelFactory<T>
		implements Ordered {

	private static final String PREFIX = DiscoveryTarget.SCHEME + "://";

	private final ServiceClientProperties properties;

	private final ServiceDiscovery discovery;

	private final @Nullable SslBundles sslBundles;

	private final SwitchboardObservations observations;

	private final PropagatedHeaders propagatedHeaders;

	private final @Nullable ServiceClientRuntimes runtimes;

	private final @Nullable Executor hedgeExecutor;

	private final Map<String, LoadBalancer> balancers = new ConcurrentHashMap<>();

	private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

	/**
	 * Creates a factory.
	 * @param globalCustomizers Spring gRPC's channel builder customizers
	 * @param interceptorsConfigurer applies Spring gRPC's global client interceptors
	 * @param properties Switchboard's client properties
	 * @param discovery the discovery view channels resolve through
	 * @param sslBundles the SSL bundles named by {@code switchboard.clients.<name>.tls.bundle}, if any
	 * @param observations observes the calls of the channels
	 * @param propagatedHeaders the incoming headers copied to the metadata of every call
	 */
	public SwitchboardGrpcChannelFactory(List<GrpcChannelBuilderCustomizer<T>> globalCustomizers,
			ClientInterceptorsConfigurer interceptorsConfigurer, ServiceClientProperties properties,
			ServiceDiscovery discovery, @Nullable SslBundles sslBundles, SwitchboardObservations observations,
			PropagatedHeaders propagatedHeaders) {
		this(globalCustomizers, interceptorsConfigurer, properties, discovery, sslBundles, observations,
				propagatedHeaders, null);
	}

	/**
	 * Creates a factory whose channels run each client's call policy for generated stubs too.
	 * @param globalCustomizers Spring gRPC's channel builder customizers
	 * @param interceptorsConfigurer applies Spring gRPC's global client interceptors
	 * @param properties Switchboard's client properties
	 * @param discovery the discovery view channels resolve through
	 * @param sslBundles the SSL bundles named by {@code switchboard.clients.<name>.tls.bundle}, if any
	 * @param observations observes the calls of the channels
	 * @param propagatedHeaders the incoming headers copied to the metadata of every call
	 * @param runtimes the runtimes of the service clients (balancer, call policy, statistics), or {@code null}
	 * for channels that only balance; their balancers are zone-aware when the application has a zone
	 */
	public SwitchboardGrpcChannelFactory(List<GrpcChannelBuilderCustomizer<T>> globalCustomizers,
			ClientInterceptorsConfigurer interceptorsConfigurer, ServiceClientProperties properties,
			ServiceDiscovery discovery, @Nullable SslBundles sslBundles, SwitchboardObservations observations,
			PropagatedHeaders propagatedHeaders, @Nullable ServiceClientRuntimes runtimes) {
		this(globalCustomizers, interceptorsConfigurer, properties, discovery, sslBundles, observations,
				propagatedHeaders, runtimes, null);
	}

	/**
	 * Creates a factory whose channels run each client's call policy for generated stubs, hedging included.
	 * @param globalCustomizers Spring gRPC's channel builder customizers
	 * @param interceptorsConfigurer applies Spring gRPC's global client interceptors
	 * @param properties Switchboard's client properties
	 * @param discovery the discovery view channels resolve through
	 * @param sslBundles the SSL bundles named by {@code switchboard.clients.<name>.tls.bundle}, if any
	 * @param observations observes the calls of the channels
	 * @param propagatedHeaders the incoming headers copied to the metadata of every call
	 * @param runtimes the runtimes of the service clients (balancer, call policy, statistics), or {@code null}
	 * for channels that only balance
	 * @param hedgeExecutor the call executor the runtimes this factory creates hedge with, or {@code null} for
	 * no hedging
	 */
	public SwitchboardGrpcChannelFactory(List<GrpcChannelBuilderCustomizer<T>> globalCustomizers,
			ClientInterceptorsConfigurer interceptorsConfigurer, ServiceClientProperties properties,
			ServiceDiscovery discovery, @Nullable SslBundles sslBundles, SwitchboardObservations observations,
			PropagatedHeaders propagatedHeaders, @Nullable ServiceClientRuntimes runtimes,
			@Nullable Executor hedgeExecutor) {
		super(globalCustomizers, interceptorsConfigurer);
		this.runtimes = runtimes;
		this.hedgeExecutor = hedgeExecutor;
		this.observations = observations;
		this.propagatedHeaders = propagatedHeaders;
		this.properties = properties;
		this.discovery = discovery;
		this.sslBundles = sslBundles;
		setCredentialsProvider((target) -> credentials(clientName(target)));
	}

	/**
	 * The target of a client's channel.
	 * @param clientName the client name
	 * @return {@code switchboard://<clientName>}
	 */
	public static String target(String clientName) {
		return PREFIX + clientName;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public boolean supports(String target) {
		return target.startsWith(PREFIX);
	}

	/**
	 * The shared channel of a client, created on first use.
	 * @param clientName the client name
	 * @return the channel
	 */
	public ManagedChannel channel(String clientName) {
		return this.channels.computeIfAbsent(clientName, (name) -> createChannel(target(name)));
	}

	@Override
	public ManagedChannel createChannel(String target, ChannelBuilderOptions options) {
		if (!supports(target)) {
			throw new IllegalArgumentException("Not a Switchboard target: '" + target + "' (expected " + PREFIX
					+ "<client name>)");
		}
		String clientName = clientName(target);
		ClientSettings settings = this.properties.resolve(clientName);
		if (settings.url() != null) {
			throw new InvalidSwitchboardPropertyException("switchboard.clients." + clientName + ".url", settings.url(),
					"gRPC calls are routed through discovery; a fixed URL applies to REST only",
					"unset, with the instances listed in discovery (switchboard.discovery.static.services."
							+ settings.serviceId() + " for fixed addresses)");
		}
		ServiceClientRuntime runtime = (this.runtimes != null) ? this.runtimes.getOrCreate(clientName,
				(name) -> new ServiceClientRuntime(settings, MethodPolicies.none(), this.runtimes.getBalancers(),
						this.hedgeExecutor))
				: null;
		// Without runtimes, gRPC's ready subchannels are the healthy instances: no outlier detector.
		LoadBalancer balancer = this.balancers.computeIfAbsent(clientName,
				(name) -> (runtime != null) ? runtime.getBalancer() : ClientBalancers.NO_ZONE.create(settings, null));
		DiscoveryTarget discoveryTarget = new DiscoveryTarget(clientName, settings.serviceId(), this.discovery, balancer,
				settings.grpcPort());
		Duration read = (settings.readTimeout() != null) ? settings.readTimeout()
				: ServiceClientHttpServiceGroupConfigurer.DEFAULT_READ_TIMEOUT;
		Duration connect = (settings.connectTimeout() != null) ? settings.connectTimeout()
				: ServiceClientHttpServiceGroupConfigurer.DEFAULT_CONNECT_TIMEOUT;
		// Applied after Spring gRPC's customizers, which set their own default policy.
		return super.createChannel(target,
				options.<T>withCustomizer(switchboard(clientName, discoveryTarget, read, connect, runtime)));
	}

	/**
	 * Makes a client's channel use the balancer of its runtime, so stubs and interface calls of one client feed
	 * and read one balancer. Effective only before the channel is created.
	 * @param clientName the client name
	 * @param balancer the runtime's balancer
	 */
	void shareBalancer(String clientName, LoadBalancer balancer) {
		this.balancers.putIfAbsent(clientName, balancer);
	}

	/**
	 * The balancer of a client's channel.
	 * @param clientName the client name
	 * @return the balancer, or {@code null} if the client has no channel yet
	 */
	public @Nullable LoadBalancer getBalancer(String clientName) {
		return this.balancers.get(clientName);
	}

	private GrpcChannelBuilderCustomizer<T> switchboard(String clientName, DiscoveryTarget discoveryTarget,
			Duration read, Duration connect, @Nullable ServiceClientRuntime runtime) {
		return (target, builder) -> {
			builder.setNameResolverArg(DiscoveryTarget.ARG, discoveryTarget);
			builder.defaultLoadBalancingPolicy(SwitchboardLoadBalancerProvider.POLICY_NAME);
			// grpc runs the last added interceptor first. The deadline goes on last, next to the transport, so
			// that the work of the other interceptors (a tracer's first use, say) does not eat into it.
			builder.intercept(new ReadTimeoutInterceptor(read));
			if (runtime != null) {
				// Inside header propagation and the observation: those run once per call, on the caller's thread;
				// the policy's attempts copy the headers they added.
				builder.intercept(new CallPolicyInterceptor(runtime, this.discovery, this.observations));
			}
			if (this.propagatedHeaders.isEnabled()) {
				builder.intercept(new HeaderPropagationGrpcInterceptor(this.propagatedHeaders));
			}
			builder.intercept(new ServiceCallObservationInterceptor(clientName, this.observations));
			NettyChannelOptions.applyConnectTimeout(builder, connect);
		};
	}

	private ChannelCredentials credentials(String clientName) {
		SslBundle bundle = ClientTlsBundles.resolve(this.properties, clientName, this.sslBundles);
		if (bundle == null) {
			return InsecureChannelCredentials.create();
		}
		// grpc's transport-neutral credentials: the bundle's trust material verifies instances, its key (if
		// any) authenticates this client for mutual TLS.
		return TlsChannelCredentials.newBuilder()
			.keyManager(bundle.getManagers().getKeyManagers())
			.trustManager(bundle.getManagers().getTrustManagers())
			.build();
	}

	private static String clientName(String target) {
		return target.startsWith(PREFIX) ? target.substring(PREFIX.length()) : target;
	}

}
