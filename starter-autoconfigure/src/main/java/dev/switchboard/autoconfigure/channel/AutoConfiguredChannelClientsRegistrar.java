package dev.switchboard.autoconfigure.channel;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.Assert;

/**
 * Registers the {@code @ChannelClient} interfaces found in the application's auto-configuration packages (the
 * package of its {@code @SpringBootApplication} class and below), as Spring Data does for repositories.
 *
 * @author Switchboard
 */
class AutoConfiguredChannelClientsRegistrar
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
		if (!AutoConfigurationPackages.has(this.beanFactory)) {
			return;
		}
		List<String> packages = AutoConfigurationPackages.get(this.beanFactory);
		for (Class<?> client : ChannelClientBeans.scan(packages, this.environment, this.resourceLoader)) {
			ChannelClientBeans.register(registry, this.beanFactory, client);
		}
	}

}
