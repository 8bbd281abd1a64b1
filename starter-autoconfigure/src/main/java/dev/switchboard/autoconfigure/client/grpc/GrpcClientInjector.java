package dev.switchboard.autoconfigure.client.grpc;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.switchboard.core.annotation.GrpcClient;

import org.springframework.beans.BeansException;
import org.springframework.beans.PropertyValues;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinitionHolder;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.DependencyDescriptor;
import org.springframework.beans.factory.config.InstantiationAwareBeanPostProcessor;
import org.springframework.beans.factory.support.AutowireCandidateResolver;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Injects {@code @GrpcClient} constructor parameters, method parameters and fields with stubs on the client's
 * discovery-backed channel. Parameters go through Spring's own dependency resolution: the bean factory's
 * {@link AutowireCandidateResolver} is wrapped so that a {@code @GrpcClient} parameter gets a suggested value,
 * the way {@code @Value} parameters do. Fields need no {@code @Autowired}: they are set before the bean's own
 * property injection, like {@code @Autowired} fields.
 *
 * @author Switchboard
 */
final class GrpcClientInjector implements BeanFactoryPostProcessor, InstantiationAwareBeanPostProcessor {

	private final ObjectProvider<SwitchboardGrpcChannelFactory<?>> channelFactory;

	private final GrpcStubs stubs = new GrpcStubs();

	private final Map<Class<?>, List<Field>> fields = new ConcurrentHashMap<>();

	GrpcClientInjector(ObjectProvider<SwitchboardGrpcChannelFactory<?>> channelFactory) {
		this.channelFactory = channelFactory;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
		if (beanFactory instanceof DefaultListableBeanFactory listable
				&& !(listable.getAutowireCandidateResolver() instanceof Resolver)) {
			listable.setAutowireCandidateResolver(new Resolver(listable.getAutowireCandidateResolver(), this));
		}
	}

	@Override
	public PropertyValues postProcessProperties(PropertyValues values, Object bean, String beanName) {
		for (Field field : this.fields.computeIfAbsent(bean.getClass(), GrpcClientInjector::annotatedFields)) {
			GrpcClient annotation = field.getAnnotation(GrpcClient.class);
			String injectionPoint = "field '" + field.getName() + "' of " + field.getDeclaringClass().getName();
			try {
				ReflectionUtils.makeAccessible(field);
				ReflectionUtils.setField(field, bean, stub(annotation, field.getType(), injectionPoint));
			}
			catch (RuntimeException ex) {
				throw new BeanCreationException(beanName, ex.getMessage(), ex);
			}
		}
		return values;
	}

	Object stub(GrpcClient annotation, Class<?> type, String injectionPoint) {
		String name = annotation.value();
		if (!StringUtils.hasText(name)) {
			throw new IllegalStateException("@GrpcClient on " + injectionPoint + " has no client name: set it, such as "
					+ "@GrpcClient(\"inventory\")");
		}
		if (!GrpcStubs.isInjectable(type)) {
			throw new IllegalStateException("Cannot inject " + injectionPoint + " with @GrpcClient(\"" + name + "\"): "
					+ type.getName() + " is neither a generated gRPC stub nor io.grpc.Channel");
		}
		return this.stubs.create(type, this.channelFactory.getObject().channel(name), injectionPoint);
	}

	private static List<Field> annotatedFields(Class<?> type) {
		List<Field> found = new ArrayList<>();
		ReflectionUtils.doWithFields(type, found::add, (field) -> field.isAnnotationPresent(GrpcClient.class));
		return List.copyOf(found);
	}

	/**
	 * Suggests stubs for {@code @GrpcClient} dependencies and leaves every other decision to the resolver it
	 * wraps.
	 */
	static final class Resolver implements AutowireCandidateResolver {

		private final AutowireCandidateResolver delegate;

		private final GrpcClientInjector injector;

		Resolver(AutowireCandidateResolver delegate, GrpcClientInjector injector) {
			this.delegate = delegate;
			this.injector = injector;
		}

		@Override
		public @Nullable Object getSuggestedValue(DependencyDescriptor descriptor) {
			GrpcClient annotation = descriptor.getAnnotation(GrpcClient.class);
			if (annotation != null) {
				return this.injector.stub(annotation, descriptor.getDependencyType(), describe(descriptor));
			}
			return this.delegate.getSuggestedValue(descriptor);
		}

		@Override
		public boolean isAutowireCandidate(BeanDefinitionHolder holder, DependencyDescriptor descriptor) {
			return this.delegate.isAutowireCandidate(holder, descriptor);
		}

		@Override
		public boolean isRequired(DependencyDescriptor descriptor) {
			return this.delegate.isRequired(descriptor);
		}

		@Override
		public boolean hasQualifier(DependencyDescriptor descriptor) {
			return this.delegate.hasQualifier(descriptor);
		}

		@Override
		public @Nullable String getSuggestedName(DependencyDescriptor descriptor) {
			return this.delegate.getSuggestedName(descriptor);
		}

		@Override
		public Object getLazyResolutionProxyIfNecessary(DependencyDescriptor descriptor, @Nullable String beanName) {
			return this.delegate.getLazyResolutionProxyIfNecessary(descriptor, beanName);
		}

		@Override
		public @Nullable Class<?> getLazyResolutionProxyClass(DependencyDescriptor descriptor,
				@Nullable String beanName) {
			return this.delegate.getLazyResolutionProxyClass(descriptor, beanName);
		}

		@Override
		public AutowireCandidateResolver cloneIfNecessary() {
			return new Resolver(this.delegate.cloneIfNecessary(), this.injector);
		}

		private static String describe(DependencyDescriptor descriptor) {
			if (descriptor.getField() != null) {
				return "field '" + descriptor.getField().getName() + "' of "
						+ descriptor.getField().getDeclaringClass().getName();
			}
			var parameter = descriptor.getMethodParameter();
			return (parameter != null) ? "parameter #" + (parameter.getParameterIndex() + 1) + " of "
					+ parameter.getExecutable().toGenericString() : descriptor.toString();
		}

	}

}
