package dev.switchboard.test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * For tests annotated with {@link AutoConfigureSwitchboardTest}: overrides every
 * {@code switchboard.channels.<name>.binder} of the application's configuration, and
 * {@code switchboard.channel-defaults.binder} (which otherwise follows the broker on the class path), with
 * {@code memory}. Channel
 * names are known only once the configuration files are loaded, so this runs as a context customizer (after
 * them) rather than as inlined test properties.
 *
 * @author Switchboard
 */
final class MemoryChannelsContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return TestContextAnnotationUtils.hasAnnotation(testClass, AutoConfigureSwitchboardTest.class)
				? new MemoryChannelsContextCustomizer() : null;
	}

	static final class MemoryChannelsContextCustomizer implements ContextCustomizer {

		static final String PROPERTY_SOURCE_NAME = "switchboardTestMemoryChannels";

		private static final ConfigurationPropertyName CHANNELS = ConfigurationPropertyName.of("switchboard.channels");

		@Override
		public void customizeContext(ConfigurableApplicationContext context,
				MergedContextConfiguration mergedConfig) {
			ConfigurableEnvironment environment = context.getEnvironment();
			Map<String, Object> overrides = new LinkedHashMap<>();
			overrides.put("switchboard.channel-defaults.binder", "memory");
			for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
				if (source instanceof IterableConfigurationPropertySource iterable) {
					iterable.filter(CHANNELS::isAncestorOf)
						.stream()
						.filter(MemoryChannelsContextCustomizer::isChannelBinder)
						.forEach((name) -> overrides.put(name.toString(), "memory"));
				}
			}
			environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, overrides));
		}

		// switchboard.channels.<name>.binder, whatever the channel name's form.
		private static boolean isChannelBinder(ConfigurationPropertyName name) {
			return name.getNumberOfElements() == CHANNELS.getNumberOfElements() + 2
					&& name.getLastElement(Form.UNIFORM).equals("binder");
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other != null && other.getClass() == getClass();
		}

		@Override
		public int hashCode() {
			return getClass().hashCode();
		}

	}

}
