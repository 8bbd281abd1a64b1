package dev.switchboard.autoconfigure.channel;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.switchboard.autoconfigure.observation.SwitchboardObservations;
import dev.switchboard.autoconfigure.propagation.PropagatedHeaders;
import dev.switchboard.core.annotation.ChannelListener;
import dev.switchboard.core.channel.ChannelBinder;
import dev.switchboard.core.channel.IdempotentConsumer;
import dev.switchboard.core.channel.MessageHandler;
import dev.switchboard.core.channel.Subscription;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.Assert;

/**
 * Finds {@link ChannelListener} methods on the application's singleton beans once they all exist, validates
 * each method's signature and channel, and subscribes them to their binders when the context starts. Stops
 * (closes the subscriptions) before the other lifecycle beans, like Spring Kafka's listener containers.
 *
 * @author Switchboard
 */
public final class ChannelListenerRegistry implements SmartInitializingSingleton, SmartLifecycle, BeanFactoryAware {

	/** Same phase as Spring Kafka's and Spring AMQP's listener containers: start last, stop first. */
	public static final int PHASE = Integer.MAX_VALUE - 100;

	private static final Log logger = LogFactory.getLog(ChannelListenerRegistry.class);

	private final ChannelRegistry registry;

	private final ChannelMessageConverter converter;

	private final @Nullable IdempotentConsumer idempotentConsumer;

	private final SwitchboardObservations observations;

	private final PropagatedHeaders propagatedHeaders;

	private final List<Endpoint> endpoints = new ArrayList<>();

	private final List<Subscription> subscriptions = new ArrayList<>();

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	private volatile boolean running;

	/**
	 * Creates a registry.
	 * @param registry resolves channels to settings and binders
	 * @param converter reads payloads and writes replies
	 * @param idempotentConsumer drops duplicate deliveries, or {@code null} to process every delivery
	 */
	public ChannelListenerRegistry(ChannelRegistry registry, ChannelMessageConverter converter,
			@Nullable IdempotentConsumer idempotentConsumer) {
		this(registry, converter, idempotentConsumer, SwitchboardObservations.NOOP, PropagatedHeaders.NONE);
	}

	/**
	 * Creates a registry whose listeners are observed and pass on the propagated headers of their messages.
	 * @param registry resolves channels to settings and binders
	 * @param converter reads payloads and writes replies
	 * @param idempotentConsumer drops duplicate deliveries, or {@code null} to process every delivery
	 * @param observations observes consumed messages
	 * @param propagatedHeaders the headers a listener's own calls pass on
	 */
	public ChannelListenerRegistry(ChannelRegistry registry, ChannelMessageConverter converter,
			@Nullable IdempotentConsumer idempotentConsumer, SwitchboardObservations observations,
			PropagatedHeaders propagatedHeaders) {
		this.registry = registry;
		this.converter = converter;
		this.idempotentConsumer = idempotentConsumer;
		this.observations = observations;
		this.propagatedHeaders = propagatedHeaders;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		Assert.isInstanceOf(ConfigurableListableBeanFactory.class, beanFactory);
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ConfigurableListableBeanFactory beanFactory = this.beanFactory;
		Assert.state(beanFactory != null, "No BeanFactory");
		for (String beanName : beanFactory.getBeanNamesForType(Object.class, false, false)) {
			if (ScopedProxyUtils.isScopedTarget(beanName)) {
				continue;
			}
			Class<?> targetClass = AutoProxyUtils.determineTargetClass(beanFactory, beanName);
			if (targetClass == null || !AnnotationUtils.isCandidateClass(targetClass, ChannelListener.class)) {
				continue;
			}
			Map<Method, ChannelListener> methods = MethodIntrospector.selectMethods(targetClass,
					(MethodIntrospector.MetadataLookup<ChannelListener>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, ChannelListener.class));
			if (methods.isEmpty()) {
				continue;
			}
			Object bean = beanFactory.getBean(beanName);
			methods.forEach((method, annotation) -> register(
					ListenerMethod.parse(bean, targetClass, method, annotation, this.converter)));
		}
	}

	private void register(ListenerMethod listener) {
		ChannelSettings settings = this.registry.getSettings(listener.channel());
		this.registry.requireGroupSource(settings, listener.group(), listener);
		if (listener.group() != null) {
			settings = settings.withGroup(listener.group());
		}
		ChannelBinder binder = this.registry.getBinder(settings);
		MessageHandler handler = (this.idempotentConsumer != null) ? this.idempotentConsumer.wrap(listener) : listener;
		if (this.observations.isEnabled() || this.propagatedHeaders.isEnabled()) {
			handler = new ObservedMessageHandler(handler, settings, binder.name(), this.observations,
					this.propagatedHeaders);
		}
		this.endpoints.add(new Endpoint(listener, settings, binder, handler));
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		for (Endpoint endpoint : this.endpoints) {
			ChannelSettings settings = endpoint.settings();
			this.subscriptions.add(endpoint.binder()
				.subscribe(settings.destination(), settings.group(), endpoint.handler(), settings.consumer()));
			if (logger.isDebugEnabled()) {
				logger.debug("Subscribed " + endpoint.listener() + " to " + settings.destination() + " in group '"
						+ settings.group() + "' on binder '" + endpoint.binder().name() + "'");
			}
		}
		this.running = true;
	}

	@Override
	public synchronized void stop() {
		for (Subscription subscription : this.subscriptions) {
			try {
				subscription.close();
			}
			catch (RuntimeException ex) {
				logger.warn("Failed to close subscription " + subscription, ex);
			}
		}
		this.subscriptions.clear();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * The duplicate suppression every listener runs through.
	 * @return the policy with its store, or {@code null} when duplicates are processed
	 */
	public @Nullable IdempotentConsumer getIdempotentConsumer() {
		return this.idempotentConsumer;
	}

	/**
	 * The active subscriptions, one per listener method.
	 * @return an unmodifiable snapshot
	 */
	public synchronized List<Subscription> getSubscriptions() {
		return Collections.unmodifiableList(new ArrayList<>(this.subscriptions));
	}

	private record Endpoint(ListenerMethod listener, ChannelSettings settings, ChannelBinder binder,
			MessageHandler handler) {
	}

}
