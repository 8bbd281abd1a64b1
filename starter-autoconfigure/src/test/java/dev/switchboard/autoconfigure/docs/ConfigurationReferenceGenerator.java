package dev.switchboard.autoconfigure.docs;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders {@code docs/configuration.md}, the reference of every {@code switchboard.*} property, from the
 * metadata the configuration processor writes at compile time
 * ({@code target/classes/META-INF/spring-configuration-metadata.json}), so that the reference says exactly
 * what the IDE says. Run through {@link ConfigurationReferenceTests} (see the command at the top of the
 * generated file) or as a Java main with the metadata and output paths as arguments.
 *
 * @author Switchboard
 */
public final class ConfigurationReferenceGenerator {

	/** The command that regenerates the reference, run from the repository root. */
	public static final String COMMAND = "./mvnw -pl starter-autoconfigure -am test -Dtest=ConfigurationReferenceTests "
			+ "-Dsurefire.failIfNoSpecifiedTests=false -Dswitchboard.docs.write=true";

	/** The metadata file, relative to the starter-autoconfigure module. */
	public static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	/** The reference, relative to the starter-autoconfigure module. */
	public static final Path REFERENCE = Path.of("../docs/configuration.md");

	private static final Pattern PACKAGE = Pattern.compile("\\b([a-z][a-z0-9_]*\\.)+(?=[A-Z])");

	// Sections by the first segment after "switchboard.", in the order they appear in the reference.
	private static final Map<String, Section> SECTIONS = new LinkedHashMap<>();

	static {
		Section discovery = new Section("Discovery", "Which backend finds instances and how its answers are cached. "
				+ "See [discovery.md](discovery.md) and [discovery-dns.md](discovery-dns.md).");
		Section registration = new Section("Self-registration",
				"How the application registers itself with Consul or Eureka (unset values keep Spring Cloud's "
						+ "settings). See [discovery.md](discovery.md#self-registration).");
		Section clients = new Section("Service clients",
				"`switchboard.client-defaults.*` is inherited by every client; `switchboard.clients.<name>.*` takes "
						+ "every property listed here under `client-defaults` and wins over it. Per-method settings "
						+ "go under `methods.<method>.*`. See [getting-started.md](getting-started.md) and "
						+ "[grpc.md](grpc.md).");
		Section grpc = new Section("gRPC server", "Interfaces served over gRPC; the server itself is configured with "
				+ "Spring gRPC's `spring.grpc.server.*`. See [grpc.md](grpc.md#serving-an-interface).");
		Section channels = new Section("Channels",
				"`switchboard.channel-defaults.*` is inherited by every channel; `switchboard.channels.<name>.*` takes "
						+ "`binder`, `destination`, `group`, `retry.*`, `dead-letter.enabled`, "
						+ "`dead-letter.destination`, `request-timeout` and `concurrency`. Brokers are configured with "
						+ "Spring Boot's `spring.kafka.*` / `spring.rabbitmq.*`. See [channels.md](channels.md).");
		SECTIONS.put("discovery", discovery);
		SECTIONS.put("registration", registration);
		SECTIONS.put("client-defaults", clients);
		SECTIONS.put("clients", clients);
		SECTIONS.put("grpc", grpc);
		SECTIONS.put("channel-defaults", channels);
		SECTIONS.put("channels", channels);
		SECTIONS.put("channel-deduplication", channels);
	}

	private ConfigurationReferenceGenerator() {
	}

	/**
	 * Writes the reference.
	 * @param args the metadata file and the output file; defaults to {@link #METADATA} and {@link #REFERENCE}
	 * @throws IOException when a file cannot be read or written
	 */
	public static void main(String[] args) throws IOException {
		Path metadata = (args.length > 0) ? Path.of(args[0]) : METADATA;
		Path output = (args.length > 1) ? Path.of(args[1]) : REFERENCE;
		Files.writeString(output, render(metadata), StandardCharsets.UTF_8);
	}

	/**
	 * The names of the {@code switchboard.*} properties in a metadata file.
	 * @param metadata the metadata file
	 * @return the property names in metadata order
	 * @throws IOException when the file cannot be read
	 */
	public static List<String> propertyNames(Path metadata) throws IOException {
		return properties(metadata).stream().map(Property::name).toList();
	}

	/**
	 * Renders the reference.
	 * @param metadata the metadata file
	 * @return the markdown
	 * @throws IOException when the file cannot be read
	 */
	public static String render(Path metadata) throws IOException {
		Map<Section, List<Property>> bySection = new LinkedHashMap<>();
		SECTIONS.values().forEach((section) -> bySection.putIfAbsent(section, new ArrayList<>()));
		Section other = new Section("Other", "");
		for (Property property : properties(metadata)) {
			String segment = property.name().substring("switchboard.".length()).split("[.\\[]", 2)[0];
			bySection.computeIfAbsent(SECTIONS.getOrDefault(segment, other), (key) -> new ArrayList<>()).add(property);
		}
		StringBuilder markdown = new StringBuilder();
		markdown.append("# Configuration reference\n\n");
		markdown.append("<!-- Generated from the configuration metadata: do not edit by hand. Regenerate with\n");
		markdown.append("     ").append(COMMAND).append(" -->\n\n");
		markdown.append("Every `switchboard.*` property, generated from the metadata the configuration processor ")
			.append("writes for IDEs (`starter-autoconfigure/target/classes/META-INF/spring-configuration-metadata.json`), ")
			.append("so descriptions are the Javadoc of the `@ConfigurationProperties` classes. Regenerate after ")
			.append("changing a property:\n\n```bash\n")
			.append(COMMAND)
			.append("\n```\n\n`ConfigurationReferenceTests` fails the build when a property is missing here. ")
			.append("Other libraries' properties that Switchboard reads (`spring.kafka.*`, `spring.rabbitmq.*`, ")
			.append("`spring.grpc.*`, `resilience4j.*`, `spring.ssl.bundle.*`, `eureka.*`, `spring.cloud.consul.*`) ")
			.append("are documented by those libraries.\n\n")
			.append("## How the configuration is checked\n\n")
			.append("- A `switchboard.*` key that is not listed here (or that is not a property of a `clients.<name>` or ")
			.append("`channels.<name>` entry) fails startup with the closest known key: `Unknown property ")
			.append("'switchboard.discovry.type' (did you mean 'switchboard.discovery.type'?)`, with the file and line ")
			.append("it was written in. Environment variables may write dashes as underscores, as Spring Boot allows ")
			.append("(`SWITCHBOARD_CHANNEL_DEFAULTS_GROUP`).\n")
			.append("- A value Switchboard cannot use fails startup with an `InvalidSwitchboardPropertyException` (a Spring ")
			.append("Boot `InvalidConfigurationPropertyValueException`), reported with the value as written (`-2s`), ")
			.append("its origin (file and line), the part that is wrong (`the port '80a82' is not a number`) and what ")
			.append("the property accepts.\n")
			.append("- `switchboard.client-defaults.*` defaults shown below are the values a client gets when neither ")
			.append("its own entry nor the defaults set them.\n");
		bySection.forEach((section, properties) -> {
			if (properties.isEmpty()) {
				return;
			}
			markdown.append("\n## ").append(section.title()).append("\n\n");
			if (!section.intro().isEmpty()) {
				markdown.append(section.intro()).append("\n\n");
			}
			markdown.append("| Property | Type | Default | Description |\n|---|---|---|---|\n");
			for (Property property : properties) {
				markdown.append("| `")
					.append(property.name())
					.append("` | ")
					.append(cell(property.type()))
					.append(" | ")
					.append((property.defaultValue() != null) ? "`" + property.defaultValue() + "`" : "")
					.append(" | ")
					.append(cell(property.description()))
					.append(" |\n");
			}
		});
		return markdown.toString();
	}

	private static List<Property> properties(Path metadata) throws IOException {
		JsonNode root = JsonMapper.shared().readTree(Files.readString(metadata, StandardCharsets.UTF_8));
		List<Property> properties = new ArrayList<>();
		for (JsonNode node : root.path("properties")) {
			String name = node.path("name").asString();
			if (!name.startsWith("switchboard.")) {
				continue;
			}
			String type = node.path("type").asString("");
			JsonNode defaultValue = node.get("defaultValue");
			properties.add(new Property(name, typeOf(type), (defaultValue != null) ? defaultOf(defaultValue) : null,
					node.path("description").asString("").replaceAll("\\s+", " ").trim()));
		}
		properties.sort((a, b) -> a.name().compareTo(b.name()));
		return properties;
	}

	// Short type names; enums list the values written in configuration.
	private static String typeOf(String type) {
		String shortName = PACKAGE.matcher(type).replaceAll("").replace('$', '.');
		List<String> values = enumValues(type);
		return values.isEmpty() ? shortName : shortName + " (" + String.join(", ", values) + ")";
	}

	private static List<String> enumValues(String type) {
		try {
			Class<?> candidate = Class.forName(type, false, ConfigurationReferenceGenerator.class.getClassLoader());
			if (!candidate.isEnum()) {
				return List.of();
			}
			Method id = findId(candidate);
			List<String> values = new ArrayList<>();
			for (Object constant : candidate.getEnumConstants()) {
				String value = (id != null) ? String.valueOf(id.invoke(constant))
						: ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-');
				values.add("`" + value + "`");
			}
			return values;
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			return List.of();
		}
	}

	private static @Nullable Method findId(Class<?> type) {
		try {
			Method id = type.getMethod("id");
			return (id.getReturnType() == String.class) ? id : null;
		}
		catch (NoSuchMethodException ex) {
			return null;
		}
	}

	private static String defaultOf(JsonNode value) {
		if (value.isArray()) {
			List<String> items = new ArrayList<>();
			value.forEach((item) -> items.add(item.asString()));
			return String.join(", ", items);
		}
		return value.asString();
	}

	// Markdown table cells: no pipes, no raw angle brackets (they would read as HTML tags).
	private static String cell(String text) {
		return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
	}

	private record Section(String title, String intro) {
	}

	private record Property(String name, String type, @Nullable String defaultValue, String description) {
	}

}
