package dev.switchboard.autoconfigure.channel;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import dev.switchboard.core.annotation.ChannelClient;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Scanning and bean registration shared by the registrars of {@code @ChannelClient} interfaces.
 *
 * @author Switchboard
 */
final class ChannelClientBeans {

	private ChannelClientBeans() {
	}

	static Set<Class<?>> scan(Collection<String> packages, Environment environment, ResourceLoader resourceLoader) {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false,
				environment) {

			@Override
			protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
				return definition.getMetadata().isInterface() && definition.getMetadata().isIndependent()
						&& !definition.getMetadata().isAnnotation();
			}

		};
		scanner.setResourceLoader(resourceLoader);
		scanner.addIncludeFilter(new AnnotationTypeFilter(ChannelClient.class, true, false));
		Set<Class<?>> types = new LinkedHashSet<>();
		for (String basePackage : packages) {
			for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
				String className = candidate.getBeanClassName();
				if (className != null) {
					types.add(ClassUtils.resolveClassName(className, resourceLoader.getClassLoader()));
				}
			}
		}
		return types;
	}

	/**
	 * Registers one client bean, named after the interface, unless the interface is registered already (it may
	 * be both scanned and listed) or the application defines its own bean of that type (a stub, say).
	 */
	static void register(BeanDefinitionRegistry registry, BeanFactory beanFactory, Class<?> type) {
		String beanName = type.getName();
		if (registry.containsBeanDefinition(beanName) || (beanFactory instanceof ListableBeanFactory listable
				&& listable.getBeanNamesForType(type, true, false).length > 0)) {
			return;
		}
		RootBeanDefinition definition = new RootBeanDefinition(type);
		definition.setTargetType(ResolvableType.forClass(type));
		definition.setInstanceSupplier(() -> beanFactory.getBean(ChannelClientFactory.class).createClient(type));
		registry.registerBeanDefinition(beanName, definition);
	}

}
