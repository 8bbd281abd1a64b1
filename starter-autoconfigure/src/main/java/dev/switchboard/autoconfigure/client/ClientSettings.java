package dev.switchboard.autoconfigure.client;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The effective settings of one service client, after inheritance from {@code switchboard.client-defaults}.
 *
 * @param name the client name
 * @param serviceId the service id looked up in discovery
 * @param url fixed base URL that bypasses discovery, or {@code null}
 * @param loadBalancer the load balancer type
 * @param connectTimeout the connect timeout, or {@code null} to use Spring Boot's HTTP client settings
 * @param readTimeout the read timeout, or {@code null} to use Spring Boot's HTTP client settings
 * @param protocol the protocol calls use
 * @param tlsBundle the Spring Boot SSL bundle securing calls, or {@code null} for plaintext
 * @param grpcPort the gRPC port of instances that publish no {@code grpc-port} metadata, or {@code null} to
 * use the instance port
 * @author Switchboard
 */
public record ClientSettings(String name, String serviceId, @Nullable URI url, LoadBalancerType loadBalancer,
		@Nullable Duration connectTimeout, @Nullable Duration readTimeout, ClientProtocol protocol,
		@Nullable String tlsBundle, @Nullable Integer grpcPort) {
}
