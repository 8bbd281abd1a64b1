package dev.switchboard.autoconfigure.channel;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * Registers the {@code @ChannelClient} interfaces selected by {@link EnableChannelClients} or, when imported by
 * the auto-configuration, those in the application's auto-configuration packages.
 *
 * @author Switchboard
 */
class ChannelClientsRegistrar
		implements ImportBeanDefinitionRegistrar, BeanFactoryAware, EnvironmentAware, ResourceLoaderAware {

	private @Nullable BeanFactory beanFactory;

	private @Nullable Environment environment;

	private @Nullable ResourceLoader resourceLoader;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setResourceLoader(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Assert.state(this.beanFactory != null && this.environment != null && this.resourceLoader != null,
				"Registrar not initialized");
		AnnotationAttributes attributes = AnnotationAttributes
			.fromMap(metadata.getAnnotationAttributes(EnableChannelClients.class.getName()));
		if (attributes == null) {
			// Imported by the auto-configuration: the application's auto-configuration packages, as Spring Data
			// does for repositories.
			if (AutoConfigurationPackages.has(this.beanFactory)) {
				for (Class<?> client : ChannelClientBeans.scan(AutoConfigurationPackages.get(this.beanFactory),
						this.environment, this.resourceLoader)) {
					ChannelClientBeans.register(registry, this.beanFactory, client);
				}
			}
			return;
		}
		Set<Class<?>> clients = new LinkedHashSet<>(List.of(attributes.getClassArray("clients")));
		if (clients.isEmpty()) {
			Set<String> packages = new LinkedHashSet<>(List.of(attributes.getStringArray("basePackages")));
			for (Class<?> type : attributes.getClassArray("basePackageClasses")) {
				packages.add(type.getPackageName());
			}
			if (packages.isEmpty()) {
				packages.add(ClassUtils.getPackageName(metadata.getClassName()));
			}
			clients = ChannelClientBeans.scan(packages, this.environment, this.resourceLoader);
		}
		for (Class<?> client : clients) {
			ChannelClientBeans.register(registry, this.beanFactory, client);
		}
	}

}
