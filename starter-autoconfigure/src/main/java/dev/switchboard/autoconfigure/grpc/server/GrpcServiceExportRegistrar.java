package dev.switchboard.autoconfigure.grpc.server;

import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Registers one {@link ExportedGrpcService} bean per interface in {@code switchboard.grpc.server.exports}.
 * Registered as bean definitions (not created later) because Spring gRPC starts its server only when
 * {@code BindableService} beans are defined.
 *
 * @author Switchboard
 */
class GrpcServiceExportRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

	private @Nullable Environment environment;

	private @Nullable BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		if (this.environment == null || !(this.beanFactory instanceof ListableBeanFactory listable)) {
			return;
		}
		List<String> exports = Binder.get(this.environment)
			.bind("switchboard.grpc.server.exports", Bindable.listOf(String.class))
			.orElse(List.of());
		ClassLoader classLoader = (this.beanFactory instanceof org.springframework.beans.factory.config.ConfigurableBeanFactory configurable)
				? configurable.getBeanClassLoader() : ClassUtils.getDefaultClassLoader();
		for (int i = 0; i < exports.size(); i++) {
			String property = "switchboard.grpc.server.exports[" + i + "]";
			Class<?> type = resolve(property, exports.get(i).trim(), classLoader);
			String beanName = "switchboardGrpcExport#" + type.getName();
			if (registry.containsBeanDefinition(beanName)) {
				continue;
			}
			RootBeanDefinition definition = new RootBeanDefinition(ExportedGrpcService.class,
					() -> new ExportedGrpcService(type, property, listable, listable.getBeanProvider(JsonMapper.class)));
			registry.registerBeanDefinition(beanName, definition);
		}
	}

	private static Class<?> resolve(String property, String name, @Nullable ClassLoader classLoader) {
		String allowed = "fully qualified names of interfaces implemented by a bean of the application";
		if (!ClassUtils.isPresent(name, classLoader)) {
			throw new InvalidSwitchboardPropertyException(property, name, "no such class on the classpath", allowed);
		}
		Class<?> type = ClassUtils.resolveClassName(name, classLoader);
		if (!type.isInterface()) {
			throw new InvalidSwitchboardPropertyException(property, name, "not an interface", allowed);
		}
		return type;
	}

}
