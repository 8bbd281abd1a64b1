package dev.switchboard.autoconfigure.grpc.server;

import java.util.Map;

import dev.switchboard.autoconfigure.discovery.InstanceMetadataContributor;

import org.springframework.context.ApplicationListener;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * Publishes the port of the running gRPC server as instance metadata {@code grpc-port}, which discovery-backed
 * gRPC channels of other services use to reach this one.
 *
 * @author Switchboard
 */
public final class GrpcServerPortMetadataContributor
		implements InstanceMetadataContributor, ApplicationListener<GrpcServerStartedEvent> {

	/** The metadata key. */
	public static final String GRPC_PORT = "grpc-port";

	private volatile int port = -1;

	@Override
	public void onApplicationEvent(GrpcServerStartedEvent event) {
		// -1 for in-process servers, which other services cannot reach.
		if (event.getPort() > 0) {
			this.port = event.getPort();
		}
	}

	@Override
	public Map<String, String> metadata() {
		int current = this.port;
		return (current > 0) ? Map.of(GRPC_PORT, Integer.toString(current)) : Map.of();
	}

}
