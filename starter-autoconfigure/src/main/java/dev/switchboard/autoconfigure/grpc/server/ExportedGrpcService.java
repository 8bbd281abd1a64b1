package dev.switchboard.autoconfigure.grpc.server;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.switchboard.autoconfigure.diagnostics.InvalidSwitchboardPropertyException;
import dev.switchboard.autoconfigure.grpc.internal.Reply;
import dev.switchboard.autoconfigure.grpc.internal.ServiceInterfaceContract;
import dev.switchboard.autoconfigure.grpc.internal.ServiceInterfaceContract.ContractMethod;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.ReflectionUtils;

/**
 * Serves the bean implementing an exported interface over gRPC: one unary method per interface method, with
 * the marshallers {@code @ServiceClient} callers with {@code protocol: grpc} use. A {@link BindableService}
 * bean, so Spring gRPC's server serves it next to the application's generated services.
 *
 * @author Switchboard
 */
final class ExportedGrpcService implements BindableService {

	private final Class<?> type;

	private final String property;

	private final ListableBeanFactory beanFactory;

	private final ObjectProvider<JsonMapper> jsonMapper;

	private @Nullable ServerServiceDefinition definition;

	ExportedGrpcService(Class<?> type, String property, ListableBeanFactory beanFactory,
			ObjectProvider<JsonMapper> jsonMapper) {
		this.type = type;
		this.property = property;
		this.beanFactory = beanFactory;
		this.jsonMapper = jsonMapper;
	}

	@Override
	public synchronized ServerServiceDefinition bindService() {
		if (this.definition == null) {
			ServiceInterfaceContract contract = ServiceInterfaceContract.of(this.type,
					this.jsonMapper.getIfAvailable(JsonMapper::shared));
			Object target = findImplementation();
			ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(contract.serviceDescriptor());
			for (ContractMethod method : contract.methods().values()) {
				// Package-private interfaces are fine for callers; the server needs access to invoke them.
				ReflectionUtils.makeAccessible(method.method());
				builder.addMethod(method.descriptor(),
						ServerCalls.asyncUnaryCall((arguments, observer) -> invoke(target, method, arguments, observer)));
			}
			this.definition = builder.build();
		}
		return this.definition;
	}

	private static void invoke(Object target, ContractMethod method, Object[] arguments,
			StreamObserver<Reply> observer) {
		Object result;
		try {
			result = method.method().invoke(target, arguments);
		}
		catch (InvocationTargetException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			observer.onError(GrpcServerErrors.toStatus(cause, method.descriptor().getFullMethodName()));
			return;
		}
		catch (IllegalAccessException | RuntimeException ex) {
			observer.onError(GrpcServerErrors.toStatus(ex, method.descriptor().getFullMethodName()));
			return;
		}
		observer.onNext(new Reply(result));
		observer.onCompleted();
	}

	private Object findImplementation() {
		Map<String, ?> beans = this.beanFactory.getBeansOfType(this.type);
		List<String> implementations = new ArrayList<>();
		beans.forEach((name, bean) -> {
			// Client proxies of the same interface (REST or gRPC) are JDK proxies: they call, they do not serve.
			if (!Proxy.isProxyClass(bean.getClass())) {
				implementations.add(name);
			}
		});
		if (implementations.size() != 1) {
			throw new InvalidSwitchboardPropertyException(this.property, this.type.getName(),
					implementations.isEmpty() ? "no bean implements this interface"
							: "several beans implement this interface: " + implementations,
					"interfaces implemented by exactly one bean of the application");
		}
		return beans.get(implementations.get(0));
	}

	@Override
	public String toString() {
		return "gRPC export of " + this.type.getName();
	}

}
