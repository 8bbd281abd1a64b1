package dev.switchboard.autoconfigure.discovery;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;

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

	/**
	 * The metadata of all contributors, in order.
	 * @param contributors the contributors
	 * @return the merged metadata, possibly empty
	 */
	static Map<String, String> collect(ObjectProvider<InstanceMetadataContributor> contributors) {
		Map<String, String> metadata = new LinkedHashMap<>();
		contributors.orderedStream().forEach((contributor) -> metadata.putAll(contributor.metadata()));
		return metadata;
	}

}
