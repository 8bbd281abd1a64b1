package dev.switchboard.autoconfigure.diagnostics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.switchboard.autoconfigure.diagnostics.KnownPropertyNames.Unknown;
import dev.switchboard.autoconfigure.diagnostics.UnknownSwitchboardPropertyException.UnknownProperty;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Fails startup when a property under {@code switchboard} names nothing that Switchboard binds, with the closest
 * known name. Spring Boot's own check ({@code ignoreUnknownFields = false}) cannot serve here: several
 * properties classes share the {@code switchboard} prefix and each would reject the others' keys, and a typo in
 * the first element ({@code switchboard.discovry}) belongs to no class at all. Runs before any bean is created,
 * so the typo is reported before the failures it may cause.
 *
 * @author Switchboard
 */
public final class SwitchboardPropertyNamesCheck implements BeanFactoryPostProcessor, EnvironmentAware, Ordered {

	private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(KnownPropertyNames.ROOT);

	private @Nullable Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		if (this.environment != null) {
			check(this.environment, beanFactory.getBeanClassLoader(), propertiesClasses(beanFactory));
		}
	}

	/**
	 * Checks every {@code switchboard.*} property of an environment.
	 * @param environment the environment
	 * @param classLoader finds the configuration metadata and the properties classes
	 * @param propertiesClasses more {@code @ConfigurationProperties} classes to know
	 * @throws UnknownSwitchboardPropertyException naming every unknown property
	 */
	static void check(Environment environment, @Nullable ClassLoader classLoader, Set<Class<?>> propertiesClasses) {
		Map<ConfigurationPropertyName, ConfigurationProperty> properties = new LinkedHashMap<>();
		Map<ConfigurationPropertyName, Boolean> fromEnvironmentVariables = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				boolean variables = source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
				iterable.filter(ROOT::isAncestorOf).forEach((name) -> {
					// The first source wins, as in binding.
					if (!properties.containsKey(name)) {
						ConfigurationProperty property = source.getConfigurationProperty(name);
						if (property != null) {
							properties.put(name, property);
							fromEnvironmentVariables.put(name, variables);
						}
					}
				});
			}
		}
		if (properties.isEmpty()) {
			return;
		}
		KnownPropertyNames known = KnownPropertyNames.load(classLoader, propertiesClasses);
		List<UnknownProperty> unknown = new ArrayList<>();
		properties.forEach((name, property) -> {
			Unknown problem = known.check(name, fromEnvironmentVariables.get(name));
			if (problem != null) {
				unknown.add(new UnknownProperty(property, problem.knownParent(), problem.suggestions(),
						List.copyOf(problem.validNames())));
			}
		});
		if (!unknown.isEmpty()) {
			throw new UnknownSwitchboardPropertyException(unknown);
		}
	}

	private static Set<Class<?>> propertiesClasses(ConfigurableListableBeanFactory beanFactory) {
		// Properties classes registered as beans, in case one is missing from the metadata; only Switchboard's,
		// so that no other class is loaded this early.
		Set<Class<?>> classes = new LinkedHashSet<>();
		for (String name : beanFactory.getBeanDefinitionNames()) {
			BeanDefinition definition = beanFactory.getBeanDefinition(name);
			String className = definition.getBeanClassName();
			if (className != null && className.startsWith("dev.switchboard.")) {
				try {
					Class<?> type = ClassUtils.forName(className, beanFactory.getBeanClassLoader());
					if (type.isAnnotationPresent(ConfigurationProperties.class)) {
						classes.add(type);
					}
				}
				catch (ClassNotFoundException | LinkageError ex) {
					// not a class this check needs
				}
			}
		}
		return classes;
	}

}
