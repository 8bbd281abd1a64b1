package dev.switchboard.autoconfigure.grpc.server;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Interfaces the application serves over gRPC, so that {@code @ServiceClient} callers with
 * {@code protocol: grpc} reach them. The server itself is Spring gRPC's ({@code spring.grpc.server.*}).
 *
 * @author Switchboard
 */
@ConfigurationProperties("switchboard.grpc.server")
public class GrpcServerExportProperties {

	/**
	 * Fully qualified names of interfaces to serve over gRPC, each implemented by exactly one bean of the
	 * application (typically the @RestController that serves it over REST).
	 */
	private final List<String> exports;

	/**
	 * Creates the properties.
	 * @param exports the interfaces to export, or {@code null} for none
	 */
	public GrpcServerExportProperties(@Nullable List<String> exports) {
		this.exports = (exports != null) ? List.copyOf(exports) : List.of();
	}

	/**
	 * The interfaces to export.
	 * @return fully qualified interface names
	 */
	public List<String> getExports() {
		return this.exports;
	}

}
