package dev.switchboard.autoconfigure.discovery;

import java.util.Map;

/**
 * Contributes entries to the metadata this application registers its instance with, such as the
 * {@code grpc-port} of its gRPC server. Registration reads every contributor bean when it registers the
 * instance.
 *
 * @author Switchboard
 */
@FunctionalInterface
public interface InstanceMetadataContributor {

	/**
	 * The entries to publish now.
	 * @return metadata entries, possibly empty, never {@code null}
	 */
	Map<String, String> metadata();

}
