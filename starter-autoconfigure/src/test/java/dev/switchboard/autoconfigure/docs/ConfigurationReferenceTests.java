package dev.switchboard.autoconfigure.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/configuration.md} in step with the configuration metadata: fails when a property is missing
 * from the reference or the reference lists one that no longer exists. With
 * {@code -Dswitchboard.docs.write=true} it regenerates the reference instead.
 *
 * @author Switchboard
 */
class ConfigurationReferenceTests {

	private static final Pattern DOCUMENTED = Pattern.compile("^\\| `(switchboard\\.[^`]+)` \\|", Pattern.MULTILINE);

	@Test
	void referenceListsEveryPropertyOfTheMetadata() throws IOException {
		Path metadata = ConfigurationReferenceGenerator.METADATA;
		Path reference = ConfigurationReferenceGenerator.REFERENCE;
		assertThat(metadata).as("configuration metadata written by the configuration processor").exists();
		if (Boolean.getBoolean("switchboard.docs.write")) {
			Files.writeString(reference, ConfigurationReferenceGenerator.render(metadata), StandardCharsets.UTF_8);
		}
		assertThat(reference).as("the configuration reference; generate it with "
				+ ConfigurationReferenceGenerator.COMMAND).exists();
		List<String> properties = ConfigurationReferenceGenerator.propertyNames(metadata);
		Set<String> documented = documented(Files.readString(reference, StandardCharsets.UTF_8));
		assertThat(documented).as("properties in docs/configuration.md; regenerate it with "
				+ ConfigurationReferenceGenerator.COMMAND).containsAll(properties);
		assertThat(properties).as("properties of the metadata; docs/configuration.md lists removed ones, regenerate it with "
				+ ConfigurationReferenceGenerator.COMMAND).containsAll(documented);
	}

	@Test
	void rendersTypesDefaultsAndEnumValues() throws IOException {
		String markdown = ConfigurationReferenceGenerator.render(ConfigurationReferenceGenerator.METADATA);
		assertThat(markdown).contains(
				"| `switchboard.discovery.type` | DiscoveryType (`static`, `dns`, `consul`, `eureka`, `etcd`) | `static` |");
		assertThat(markdown).contains("| `switchboard.channel-defaults.retry.backoff` | Duration | `200ms` |");
		assertThat(markdown).contains("## Service clients");
	}

	private static Set<String> documented(String markdown) {
		Set<String> names = new LinkedHashSet<>();
		Matcher matcher = DOCUMENTED.matcher(markdown);
		while (matcher.find()) {
			names.add(matcher.group(1));
		}
		return names;
	}

}
