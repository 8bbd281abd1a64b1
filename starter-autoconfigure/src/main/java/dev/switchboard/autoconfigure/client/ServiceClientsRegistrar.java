package dev.switchboard.autoconfigure.client;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.switchboard.core.annotation.ServiceClient;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.web.service.registry.AbstractHttpServiceRegistrar;
import org.springframework.web.service.registry.HttpServiceGroup;

/**
 * Puts every {@code @ServiceClient} interface into the Spring HTTP service group named after its client, so
 * that Spring creates the proxy and Spring Boot's {@code spring.http.serviceclient.<name>.*} settings apply.
 * Imported by the auto-configuration (scanning the auto-configuration packages) and by
 * {@link EnableServiceClients} (scanning the packages and classes it lists).
 *
 * @author Switchboard
 */
class ServiceClientsRegistrar extends AbstractHttpServiceRegistrar {

	private @Nullable BeanFactory beanFactory;

	private @Nullable Environment environment;

	private @Nullable ResourceLoader resourceLoader;

	private @Nullable BeanDefinitionRegistry beanDefinitionRegistry;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		super.setBeanFactory(beanFactory);
		this.beanFactory = beanFactory;
		if (beanFactory instanceof BeanDefinitionRegistry registry) {
			this.beanDefinitionRegistry = registry;
		}
	}

	@Override
	public void setEnvironment(Environment environment) {
		super.setEnvironment(environment);
		this.environment = environment;
	}

	@Override
	public void setResourceLoader(ResourceLoader resourceLoader) {
		super.setResourceLoader(resourceLoader);
		this.resourceLoader = resourceLoader;
	}

	@Override
	protected void registerHttpServices(GroupRegistry registry, AnnotationMetadata importingClassMetadata) {
		ServiceClientRegistry clients = serviceClientRegistry();
		for (Class<?> type : findClientInterfaces(importingClassMetadata)) {
			String name = clientName(type);
			ClientProtocol protocol = (this.environment != null)
					? ServiceClientProtocols.protocol(this.environment, name) : ClientProtocol.REST;
			if (protocol == ClientProtocol.REST) {
				registry.forGroup(name, HttpServiceGroup.ClientType.REST_CLIENT).register(type);
			}
			else if (this.beanDefinitionRegistry != null && this.beanFactory != null) {
				// Other protocols have no HTTP service group: their transport creates the proxy.
				ServiceClientProtocols.register(this.beanDefinitionRegistry, this.beanFactory, type, name, protocol);
			}
			clients.add(name, type.getName());
		}
	}

	private Set<Class<?>> findClientInterfaces(AnnotationMetadata importingClassMetadata) {
		Set<Class<?>> types = new LinkedHashSet<>();
		MergedAnnotation<EnableServiceClients> enable = importingClassMetadata.getAnnotations()
			.get(EnableServiceClients.class);
		List<String> packages = new ArrayList<>();
		if (enable.isPresent()) {
			packages.addAll(List.of(enable.getStringArray("basePackages")));
			for (Class<?> packageClass : enable.getClassArray("basePackageClasses")) {
				packages.add(packageClass.getPackageName());
			}
			for (Class<?> client : enable.getClassArray("clients")) {
				if (!client.isInterface() || !MergedAnnotations.from(client).isPresent(ServiceClient.class)) {
					throw new IllegalStateException("@EnableServiceClients(clients = " + client.getName()
							+ ") lists a type that is not an interface annotated with @ServiceClient");
				}
				types.add(client);
			}
		}
		else if (this.beanFactory != null && AutoConfigurationPackages.has(this.beanFactory)) {
			packages.addAll(AutoConfigurationPackages.get(this.beanFactory));
		}
		for (String basePackage : packages) {
			for (BeanDefinition candidate : scanner().findCandidateComponents(basePackage)) {
				String className = candidate.getBeanClassName();
				if (className != null) {
					types.add(ClassUtils.resolveClassName(className, classLoader()));
				}
			}
		}
		return types;
	}

	private static String clientName(Class<?> type) {
		ServiceClient annotation = MergedAnnotations.from(type).get(ServiceClient.class).synthesize();
		String name = annotation.name();
		if (!StringUtils.hasText(name)) {
			throw new IllegalStateException("@ServiceClient on " + type.getName()
					+ " has no name: set it to the client name, such as @ServiceClient(\"inventory\")");
		}
		return name;
	}

	private ServiceClientRegistry serviceClientRegistry() {
		BeanDefinitionRegistry registry = this.beanDefinitionRegistry;
		if (registry == null) {
			throw new IllegalStateException("Service clients need a BeanDefinitionRegistry");
		}
		if (!registry.containsBeanDefinition(ServiceClientRegistry.BEAN_NAME)) {
			ServiceClientRegistry clients = new ServiceClientRegistry();
			RootBeanDefinition definition = new RootBeanDefinition(ServiceClientRegistry.class, () -> clients);
			definition.setAttribute(ServiceClientRegistry.class.getName(), clients);
			registry.registerBeanDefinition(ServiceClientRegistry.BEAN_NAME, definition);
			return clients;
		}
		Object clients = registry.getBeanDefinition(ServiceClientRegistry.BEAN_NAME)
			.getAttribute(ServiceClientRegistry.class.getName());
		if (!(clients instanceof ServiceClientRegistry existing)) {
			throw new IllegalStateException("Bean '" + ServiceClientRegistry.BEAN_NAME + "' is not Switchboard's");
		}
		return existing;
	}

	private ClassPathScanningCandidateComponentProvider scanner() {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false) {
			@Override
			protected boolean isCandidateComponent(AnnotatedBeanDefinition beanDefinition) {
				return beanDefinition.getMetadata().isInterface() && beanDefinition.getMetadata().isIndependent();
			}
		};
		scanner.addIncludeFilter(new AnnotationTypeFilter(ServiceClient.class, true, false));
		if (this.environment != null) {
			scanner.setEnvironment(this.environment);
		}
		if (this.resourceLoader != null) {
			scanner.setResourceLoader(this.resourceLoader);
		}
		return scanner;
	}

	private @Nullable ClassLoader classLoader() {
		return (this.resourceLoader != null) ? this.resourceLoader.getClassLoader() : ClassUtils.getDefaultClassLoader();
	}

}
