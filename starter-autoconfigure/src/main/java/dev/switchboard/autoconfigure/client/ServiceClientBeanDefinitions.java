package dev.switchboard.autoconfigure.client;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Marks the proxy bean of every {@code @ServiceClient} interface as primary, so that injecting the interface
 * gets the client even though its fallback bean implements the interface too.
 *
 * @author Switchboard
 */
final class ServiceClientBeanDefinitions implements BeanFactoryPostProcessor {

	// Set by Spring's AbstractHttpServiceRegistrar on each proxy bean definition it registers.
	private static final String GROUP_NAME_ATTRIBUTE = "httpServiceGroupName";

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
		if (!beanFactory.containsBeanDefinition(ServiceClientRegistry.BEAN_NAME)) {
			return;
		}
		Object registry = beanFactory.getBeanDefinition(ServiceClientRegistry.BEAN_NAME)
			.getAttribute(ServiceClientRegistry.class.getName());
		if (!(registry instanceof ServiceClientRegistry clients)) {
			return;
		}
		for (String name : beanFactory.getBeanDefinitionNames()) {
			BeanDefinition definition = beanFactory.getBeanDefinition(name);
			if (definition.getAttribute(GROUP_NAME_ATTRIBUTE) instanceof String group && clients.contains(group)
					&& clients.getInterfacesByClient().get(group).contains(definition.getBeanClassName())) {
				definition.setPrimary(true);
			}
		}
	}

}
