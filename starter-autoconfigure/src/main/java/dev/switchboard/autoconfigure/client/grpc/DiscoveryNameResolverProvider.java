package dev.switchboard.autoconfigure.client.grpc;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;

import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import org.jspecify.annotations.Nullable;

/**
 * Resolves {@code switchboard://<client>} targets through Switchboard's discovery. Registered with grpc through
 * {@code META-INF/services}; the discovery view and balancer of each channel arrive as a channel argument set by
 * {@link SwitchboardGrpcChannelFactory}, so a target is only usable on channels that factory built.
 *
 * @author Switchboard
 */
public final class DiscoveryNameResolverProvider extends NameResolverProvider {

	@Override
	public @Nullable NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
		if (!DiscoveryTarget.SCHEME.equals(targetUri.getScheme())) {
			return null;
		}
		DiscoveryTarget target = args.getArg(DiscoveryTarget.ARG);
		if (target == null) {
			throw new IllegalArgumentException("Target '" + targetUri + "' must be opened with Switchboard's gRPC "
					+ "channel factory (inject a stub with @GrpcClient, or use the GrpcChannelFactory bean)");
		}
		return new DiscoveryNameResolver(target, args.getSynchronizationContext());
	}

	@Override
	public String getDefaultScheme() {
		return DiscoveryTarget.SCHEME;
	}

	@Override
	protected boolean isAvailable() {
		return true;
	}

	@Override
	protected int priority() {
		// Below DNS (5), so that the default scheme of targets without one stays dns.
		return 3;
	}

	@Override
	public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
		return List.of(InetSocketAddress.class);
	}

}
