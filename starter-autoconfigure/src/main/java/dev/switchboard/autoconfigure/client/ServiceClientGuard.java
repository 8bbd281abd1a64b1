package dev.switchboard.autoconfigure.client;

import java.lang.reflect.Method;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.switchboard.core.discovery.NoInstanceAvailableException;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClientException;

/**
 * The advice in front of a service client proxy: runs each call through the {@link ServiceCallDecorator}
 * (circuit breaker, bulkhead, ...) and answers from the client's fallback bean when the call fails for a
 * reason that is not the caller's.
 *
 * @author Switchboard
 */
public final class ServiceClientGuard implements MethodInterceptor {

	private static final Log logger = LogFactory.getLog(ServiceClientGuard.class);

	private final ClientSettings client;

	private final @Nullable ServiceCallDecorator decorator;

	private final @Nullable Supplier<Object> fallback;

	/**
	 * Creates a guard.
	 * @param client the client's settings
	 * @param decorator the call decorator, or {@code null}
	 * @param fallback supplies the fallback bean, or {@code null} without fallback
	 */
	public ServiceClientGuard(ClientSettings client, @Nullable ServiceCallDecorator decorator,
			@Nullable Supplier<Object> fallback) {
		this.client = client;
		this.decorator = decorator;
		this.fallback = fallback;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Method method = invocation.getMethod();
		if (ReflectionUtils.isObjectMethod(method)) {
			return invocation.proceed();
		}
		try {
			return (this.decorator != null) ? this.decorator.invoke(this.client, method, invocation::proceed)
					: invocation.proceed();
		}
		catch (Throwable ex) {
			if (this.fallback == null || !isFallbackEligible(ex)) {
				throw ex;
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Client '" + this.client.name() + "' answers " + method.getName() + " from its fallback: "
						+ ex);
			}
			try {
				return AopUtils.invokeJoinpointUsingReflection(this.fallback.get(), method, invocation.getArguments());
			}
			catch (Throwable fallbackFailure) {
				fallbackFailure.addSuppressed(ex);
				throw fallbackFailure;
			}
		}
	}

	/**
	 * Whether a failure lets the fallback answer: failures of the service or of the way to it, and refusals of
	 * the resilience guards; not a 4xx (the request was wrong) nor an error of the caller's own code.
	 * @param ex the failure
	 * @return whether the fallback may answer
	 */
	static boolean isFallbackEligible(Throwable ex) {
		if (ex instanceof HttpClientErrorException) {
			return false;
		}
		return ex instanceof RestClientException || ex instanceof NoInstanceAvailableException
				|| ex instanceof TimeoutException || ex.getClass().getName().startsWith("io.github.resilience4j.");
	}

}
