package dev.switchboard.autoconfigure.diagnostics;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindConstructorProvider;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.util.ClassUtils;
import org.springframework.util.ConcurrentReferenceHashMap;

/**
 * The tree of property names that Switchboard binds under {@code switchboard}, built from the
 * {@code @ConfigurationProperties} classes the way Spring Boot binds them (constructor parameters or JavaBean
 * properties, maps whose keys are free, lists whose indexes are), so that keys inside map entries
 * ({@code switchboard.clients.<name>.timeout.read}) are checked too. The classes are found through the
 * configuration metadata, which the configuration processor writes for every one of them whether or not its
 * auto-configuration is active; properties declared only in the metadata are known as well.
 *
 * @author Switchboard
 */
final class KnownPropertyNames {

	static final String ROOT = "switchboard";

	private static final String METADATA = "classpath*:META-INF/spring-configuration-metadata.json";

	// Properties Switchboard no longer binds because Spring Boot's own do the same job.
	private static final Map<String, String> MOVED = Map.of("switchboard.channel-binders.rabbit.prefetch",
			"spring.rabbitmq.listener.simple.prefetch");

	private static final ParameterNameDiscoverer PARAMETER_NAMES = new DefaultParameterNameDiscoverer();

	private static final Map<Object, List<Map<String, Object>>> METADATA_CACHE = new ConcurrentReferenceHashMap<>();

	private final Node root = Node.bean();

	private KnownPropertyNames() {
	}

	/**
	 * The names known from the metadata on the class path and from the given properties classes.
	 * @param classLoader the class loader that finds the metadata and the classes
	 * @param extraTypes more {@code @ConfigurationProperties} classes, such as those registered as beans
	 * @return the known names
	 */
	static KnownPropertyNames load(@Nullable ClassLoader classLoader, Collection<Class<?>> extraTypes) {
		KnownPropertyNames names = new KnownPropertyNames();
		List<Map<String, Object>> metadata = readMetadata(classLoader);
		for (Map<String, Object> document : metadata) {
			for (Map<String, Object> group : entries(document, "groups")) {
				Object type = group.get("type");
				if (type instanceof String className && className.equals(group.get("sourceType"))) {
					Class<?> candidate = load(className, classLoader);
					if (candidate != null) {
						names.add(candidate);
					}
				}
			}
		}
		extraTypes.forEach(names::add);
		for (Map<String, Object> document : metadata) {
			for (Map<String, Object> property : entries(document, "properties")) {
				if (property.get("name") instanceof String name) {
					Object type = property.get("type");
					names.addDeclared(name, (type instanceof String text) && text.startsWith("java.util.Map")
							? Node.any() : Node.leaf());
				}
			}
		}
		return names;
	}

	/**
	 * Adds a {@code @ConfigurationProperties} class under its prefix.
	 * @param type the class
	 */
	void add(Class<?> type) {
		MergedAnnotation<ConfigurationProperties> annotation = MergedAnnotations.from(type)
			.get(ConfigurationProperties.class);
		if (!annotation.isPresent()) {
			return;
		}
		String prefix = annotation.getString("prefix");
		ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(prefix);
		if (name == null || name.isEmpty() || !name.getElement(0, Form.UNIFORM).equals(ROOT)) {
			return;
		}
		Node node = this.root;
		for (int i = 1; i < name.getNumberOfElements(); i++) {
			node = node.child(name.getElement(i, Form.DASHED), Node::bean);
		}
		node.merge(Node.of(ResolvableType.forClass(type), new HashSet<>()));
	}

	private void addDeclared(String property, Node leaf) {
		ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(property);
		if (name == null || name.isEmpty() || !name.getElement(0, Form.UNIFORM).equals(ROOT)) {
			return;
		}
		Node node = this.root;
		for (int i = 1; i < name.getNumberOfElements() && node.kind == Kind.BEAN; i++) {
			boolean last = i == name.getNumberOfElements() - 1;
			node = node.child(name.getElement(i, Form.DASHED), last ? () -> leaf : Node::bean);
		}
	}

	/**
	 * Checks a name under {@code switchboard}.
	 * @param name the name, whose first element is {@code switchboard}
	 * @param joinElements whether consecutive elements may form one property name, as Spring Boot allows for
	 * environment variables ({@code SWITCHBOARD_CHANNEL_DEFAULTS_BINDER} is {@code channel-defaults.binder})
	 * @return {@code null} when the name is known, else what is wrong with it
	 */
	@Nullable Unknown check(ConfigurationPropertyName name, boolean joinElements) {
		Unknown problem = check(this.root, name, 1, joinElements);
		String replacement = MOVED.get(name.toString());
		if (problem != null && replacement != null) {
			// Removed in favour of Spring Boot's own property: suggest that one.
			return new Unknown(problem.name(), problem.index(), problem.parent(), List.of(replacement));
		}
		return problem;
	}

	private @Nullable Unknown check(Node start, ConfigurationPropertyName name, int from, boolean joinElements) {
		Node node = start;
		int i = from;
		while (i < name.getNumberOfElements()) {
			switch (node.kind) {
				case ANY:
					return null;
				case MAP:
					node = node.value;
					i++;
					break;
				case LIST:
				case LEAF:
					if (!name.isNumericIndex(i)) {
						return new Unknown(name, i, node, List.of());
					}
					if (node.kind == Kind.LIST) {
						node = node.value;
					}
					i++;
					break;
				default:
					Node child = node.children.get(name.getElement(i, Form.UNIFORM));
					int consumed = 1;
					if (child == null && joinElements) {
						StringBuilder joined = new StringBuilder(name.getElement(i, Form.UNIFORM));
						for (int j = i + 1; child == null && j < name.getNumberOfElements(); j++) {
							joined.append(name.getElement(j, Form.UNIFORM));
							child = node.children.get(joined.toString());
							consumed = j - i + 1;
						}
					}
					if (child == null) {
						return new Unknown(name, i, node, suggestions(node, name, i));
					}
					node = child;
					i += consumed;
			}
		}
		return null;
	}

	private List<String> suggestions(Node node, ConfigurationPropertyName name, int index) {
		String written = name.getElement(index, Form.DASHED);
		int best = Integer.MAX_VALUE;
		List<String> closest = new ArrayList<>();
		for (Map.Entry<String, Node> entry : node.children.entrySet()) {
			String candidate = node.dashedNames.get(entry.getKey());
			int distance = distance(written, candidate);
			if (distance < best) {
				best = distance;
				closest.clear();
			}
			if (distance == best) {
				closest.add(candidate);
			}
		}
		if (best > Math.max(2, written.length() / 3)) {
			return List.of();
		}
		List<String> names = new ArrayList<>();
		for (String candidate : closest) {
			String corrected = rename(name, index, candidate);
			ConfigurationPropertyName correctedName = ConfigurationPropertyName.ofIfValid(corrected);
			// Suggest the whole corrected name when the rest of it is right too, else the corrected part.
			boolean restIsKnown = correctedName != null
					&& check(node.children.get(uniform(candidate)), correctedName, index + 1, false) == null;
			names.add(restIsKnown ? corrected : rename(name.chop(index + 1), index, candidate));
		}
		return names;
	}

	private static String rename(ConfigurationPropertyName name, int index, String element) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < name.getNumberOfElements(); i++) {
			String part = (i == index) ? element : name.getElement(i, Form.ORIGINAL);
			if (i != index && isIndexed(name, i)) {
				text.append('[').append(part).append(']');
			}
			else {
				text.append((i > 0) ? "." : "").append(part);
			}
		}
		return text.toString();
	}

	private static boolean isIndexed(ConfigurationPropertyName name, int index) {
		// Indexed elements are those written in brackets: their original and dashed forms keep any dots.
		String original = name.getElement(index, Form.ORIGINAL);
		return original.indexOf('.') >= 0 || name.isNumericIndex(index);
	}

	private static String uniform(String dashed) {
		StringBuilder uniform = new StringBuilder(dashed.length());
		for (char ch : dashed.toCharArray()) {
			if (Character.isLetterOrDigit(ch)) {
				uniform.append(Character.toLowerCase(ch));
			}
		}
		return uniform.toString();
	}

	/**
	 * Optimal string alignment distance: insertions, deletions, substitutions and transpositions of neighbours
	 * ({@code raed} is one step from {@code read}).
	 */
	static int distance(String a, String b) {
		String s = a.toLowerCase(Locale.ROOT);
		String t = b.toLowerCase(Locale.ROOT);
		int[][] d = new int[s.length() + 1][t.length() + 1];
		for (int i = 0; i <= s.length(); i++) {
			d[i][0] = i;
		}
		for (int j = 0; j <= t.length(); j++) {
			d[0][j] = j;
		}
		for (int i = 1; i <= s.length(); i++) {
			for (int j = 1; j <= t.length(); j++) {
				int cost = (s.charAt(i - 1) == t.charAt(j - 1)) ? 0 : 1;
				d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
				if (i > 1 && j > 1 && s.charAt(i - 1) == t.charAt(j - 2) && s.charAt(i - 2) == t.charAt(j - 1)) {
					d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
				}
			}
		}
		return d[s.length()][t.length()];
	}

	private static List<Map<String, Object>> readMetadata(@Nullable ClassLoader classLoader) {
		// Every context started with the same class loader (many, in a test suite) reads the same files.
		Object key = (classLoader != null) ? classLoader : KnownPropertyNames.class;
		return METADATA_CACHE.computeIfAbsent(key, (loader) -> List.copyOf(parseMetadata(classLoader)));
	}

	private static List<Map<String, Object>> parseMetadata(@Nullable ClassLoader classLoader) {
		List<Map<String, Object>> documents = new ArrayList<>();
		try {
			for (Resource resource : new PathMatchingResourcePatternResolver(classLoader).getResources(METADATA)) {
				try (InputStream in = resource.getInputStream()) {
					String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
					// Only the metadata that mentions Switchboard's root is worth parsing.
					if (json.contains("\"" + ROOT + ".") || json.contains("\"" + ROOT + "\"")) {
						documents.add(JsonParserFactory.getJsonParser().parseMap(json));
					}
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Without metadata the check knows only the classes it is given: never fail startup for that.
		}
		return documents;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> entries(Map<String, Object> document, String key) {
		Object list = document.get(key);
		if (!(list instanceof List<?> items)) {
			return List.of();
		}
		List<Map<String, Object>> maps = new ArrayList<>();
		for (Object item : items) {
			if (item instanceof Map<?, ?> map) {
				maps.add((Map<String, Object>) map);
			}
		}
		return maps;
	}

	private static @Nullable Class<?> load(String className, @Nullable ClassLoader classLoader) {
		try {
			return ClassUtils.forName(className, classLoader);
		}
		catch (ClassNotFoundException | LinkageError | IllegalArgumentException ex) {
			return null;
		}
	}

	enum Kind {

		/** Named properties. */
		BEAN,

		/** Any key, then the value's properties. */
		MAP,

		/** Numeric indexes, then the element's properties. */
		LIST,

		/** A value: nothing below it but indexes. */
		LEAF,

		/** Anything below it: a map of plain values, or a type Switchboard does not know. */
		ANY

	}

	/** One node of the tree. */
	static final class Node {

		final Kind kind;

		/** Children of a bean by uniform name (lower case, letters and digits). */
		final Map<String, Node> children = new TreeMap<>();

		/** Children's names as documented (dashed). */
		final Map<String, String> dashedNames = new TreeMap<>();

		/** The value or element node of a map or list. */
		final Node value;

		private Node(Kind kind, @Nullable Node value) {
			this.kind = kind;
			this.value = (value != null) ? value : this;
		}

		static Node bean() {
			return new Node(Kind.BEAN, null);
		}

		static Node leaf() {
			return new Node(Kind.LEAF, null);
		}

		static Node any() {
			return new Node(Kind.ANY, null);
		}

		Node child(String dashedName, Supplier<Node> factory) {
			String key = uniform(dashedName);
			this.dashedNames.putIfAbsent(key, dashedName);
			return this.children.computeIfAbsent(key, (k) -> factory.get());
		}

		private void put(String javaName, Node node) {
			String dashed = dashed(javaName);
			this.dashedNames.put(uniform(dashed), dashed);
			this.children.put(uniform(dashed), node);
		}

		void merge(Node other) {
			if (this.kind != Kind.BEAN || other.kind != Kind.BEAN) {
				return;
			}
			other.children.forEach((key, node) -> {
				Node existing = this.children.get(key);
				if (existing == null) {
					this.children.put(key, node);
					this.dashedNames.put(key, other.dashedNames.get(key));
				}
				else {
					existing.merge(node);
				}
			});
		}

		/**
		 * The names a type binds, as Spring Boot's binder sees it.
		 */
		static Node of(ResolvableType type, Set<Class<?>> visiting) {
			Class<?> resolved = type.resolve();
			if (resolved == null) {
				return any();
			}
			if (resolved == Optional.class) {
				return of(type.getGeneric(0), visiting);
			}
			if (Map.class.isAssignableFrom(resolved)) {
				ResolvableType valueType = type.asMap().getGeneric(1);
				Class<?> value = valueType.resolve();
				return (value != null && isBean(value)) ? new Node(Kind.MAP, of(valueType, visiting)) : any();
			}
			if (Collection.class.isAssignableFrom(resolved) || resolved.isArray()) {
				ResolvableType elementType = resolved.isArray() ? type.getComponentType()
						: type.asCollection().getGeneric(0);
				Class<?> element = elementType.resolve();
				return (element != null && isBean(element)) ? new Node(Kind.LIST, of(elementType, visiting))
						: leaf();
			}
			if (!isBean(resolved)) {
				return isPlainValue(resolved) ? leaf() : any();
			}
			if (!visiting.add(resolved)) {
				return any();
			}
			try {
				Node bean = bean();
				Constructor<?> constructor = BindConstructorProvider.DEFAULT.getBindConstructor(resolved, false);
				if (constructor != null) {
					Parameter[] parameters = constructor.getParameters();
					String[] names = PARAMETER_NAMES.getParameterNames(constructor);
					for (int i = 0; i < parameters.length; i++) {
						Name name = parameters[i].getAnnotation(Name.class);
						String parameterName = (name != null) ? name.value()
								: (names != null) ? names[i] : parameters[i].getName();
						bean.put(parameterName, of(ResolvableType.forConstructorParameter(constructor, i), visiting));
					}
				}
				else {
					for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(resolved)) {
						Method write = descriptor.getWriteMethod();
						Method read = descriptor.getReadMethod();
						if (write == null && (read == null || descriptor.getName().equals("class"))) {
							continue;
						}
						ResolvableType propertyType = (read != null) ? ResolvableType.forMethodReturnType(read)
								: ResolvableType.forMethodParameter(write, 0);
						if (write == null && !isBean(propertyType.toClass())
								&& !Map.class.isAssignableFrom(propertyType.toClass())
								&& !Collection.class.isAssignableFrom(propertyType.toClass())) {
							continue;
						}
						bean.put(descriptor.getName(), of(propertyType, visiting));
					}
				}
				return bean;
			}
			catch (LinkageError | RuntimeException ex) {
				// A class whose types are missing from the class path: accept anything beneath it.
				return any();
			}
			finally {
				visiting.remove(resolved);
			}
		}

		private static boolean isBean(Class<?> type) {
			return type.getName().startsWith("dev.switchboard.") && !type.isEnum() && !type.isInterface()
					&& !type.isPrimitive();
		}

		private static boolean isPlainValue(Class<?> type) {
			String name = type.getName();
			return type.isPrimitive() || type.isEnum() || name.startsWith("java.") || name.startsWith("javax.")
					|| name.startsWith("jakarta.") || name.startsWith("org.springframework.");
		}

		private static String dashed(String camelCase) {
			StringBuilder dashed = new StringBuilder(camelCase.length() + 4);
			for (char ch : camelCase.toCharArray()) {
				if (Character.isUpperCase(ch)) {
					dashed.append((dashed.length() > 0) ? "-" : "").append(Character.toLowerCase(ch));
				}
				else {
					dashed.append(ch);
				}
			}
			return dashed.toString();
		}

	}

	/**
	 * A name that Switchboard does not bind.
	 * @param name the full name
	 * @param index the first element that is not known
	 * @param parent the node under which that element was looked for
	 * @param suggestions the closest known names, best first; empty when none is close
	 */
	record Unknown(ConfigurationPropertyName name, int index, Node parent, List<String> suggestions) {

		/**
		 * The names known where the unknown element is, dashed.
		 * @return the valid names at that level, empty under a plain value
		 */
		Collection<String> validNames() {
			return this.parent.dashedNames.values();
		}

		/**
		 * The part of the name up to the last known element.
		 * @return the known parent name
		 */
		String knownParent() {
			return this.name.chop(this.index).toString();
		}

	}

}
