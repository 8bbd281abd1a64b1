package dev.switchboard.autoconfigure.grpc.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.net.URI;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.CompletionStage;

import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServiceDescriptor;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import dev.switchboard.core.annotation.Idempotent;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.util.ClassUtils;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.util.UriBuilderFactory;

/**
 * How a Java interface is called over gRPC without a proto file: every abstract method is a unary method
 * {@code <fully.qualified.InterfaceName>/<methodName>}; the request carries the arguments (a JSON object keyed
 * by parameter name, or the protobuf message when the only parameter is one), the response carries the return
 * value (JSON, or protobuf when the return type is a message). Parsed and validated once per interface; the
 * client proxy and the server export build their descriptors from the same contract, so both sides agree.
 *
 * @author Switchboard
 */
public final class ServiceInterfaceContract {

	private static final Set<String> IDEMPOTENT_HTTP_METHODS = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");

	private static final @Nullable Class<?> PROTOBUF_MESSAGE = loadOptional("com.google.protobuf.Message");

	private static final @Nullable Class<?> PUBLISHER = loadOptional("org.reactivestreams.Publisher");

	private final Class<?> type;

	private final Map<Method, ContractMethod> methods;

	private final ServiceDescriptor serviceDescriptor;

	private ServiceInterfaceContract(Class<?> type, Map<Method, ContractMethod> methods) {
		this.type = type;
		this.methods = Collections.unmodifiableMap(methods);
		ServiceDescriptor.Builder builder = ServiceDescriptor.newBuilder(serviceName(type));
		methods.values().forEach((method) -> builder.addMethod(method.descriptor()));
		this.serviceDescriptor = builder.build();
	}

	/**
	 * Parses and validates an interface.
	 * @param type the interface
	 * @param jsonMapper the mapper of JSON requests and responses
	 * @return the contract
	 * @throws IllegalStateException naming the interface, method and parameter that cannot be mapped
	 */
	public static ServiceInterfaceContract of(Class<?> type, JsonMapper jsonMapper) {
		if (!type.isInterface()) {
			throw new IllegalStateException(type.getName() + " is not an interface: only interfaces can be called or "
					+ "exported over gRPC");
		}
		Map<Method, ContractMethod> methods = new LinkedHashMap<>();
		Map<String, Method> byName = new LinkedHashMap<>();
		Method[] all = type.getMethods();
		// Declaration order is not guaranteed by reflection: sort for a stable service descriptor.
		Arrays.sort(all, (a, b) -> a.getName().compareTo(b.getName()));
		for (Method method : all) {
			if (method.isDefault() || Modifier.isStatic(method.getModifiers())) {
				continue;
			}
			Method clash = byName.putIfAbsent(method.getName(), method);
			if (clash != null) {
				throw invalid(type, method, null, "it overloads " + clash.getName() + " with other parameters, and a gRPC "
						+ "method is named after the Java method alone: give one of them another name");
			}
			methods.put(method, parse(type, method, jsonMapper));
		}
		if (methods.isEmpty()) {
			throw new IllegalStateException("Interface " + type.getName() + " declares no method to call over gRPC");
		}
		return new ServiceInterfaceContract(type, methods);
	}

	/**
	 * The gRPC service name of an interface.
	 * @param type the interface
	 * @return its fully qualified name
	 */
	public static String serviceName(Class<?> type) {
		return type.getName();
	}

	/**
	 * The interface.
	 * @return the interface
	 */
	public Class<?> type() {
		return this.type;
	}

	/**
	 * The mapped methods.
	 * @return the methods, by Java method
	 */
	public Map<Method, ContractMethod> methods() {
		return this.methods;
	}

	/**
	 * The method mapped from a Java method.
	 * @param method a method of the interface
	 * @return the mapped method, or {@code null} for methods not called over gRPC (default methods)
	 */
	public @Nullable ContractMethod method(Method method) {
		return this.methods.get(method);
	}

	/**
	 * The gRPC service of the interface.
	 * @return the service descriptor
	 */
	public ServiceDescriptor serviceDescriptor() {
		return this.serviceDescriptor;
	}

	private static ContractMethod parse(Class<?> type, Method method, JsonMapper jsonMapper) {
		Parameter[] parameters = method.getParameters();
		JavaType[] parameterTypes = new JavaType[parameters.length];
		String[] names = new String[parameters.length];
		for (int i = 0; i < parameters.length; i++) {
			Class<?> parameterType = parameters[i].getType();
			String unsupported = unsupportedParameter(parameterType);
			if (unsupported != null) {
				throw invalid(type, method, i, unsupported);
			}
			parameterTypes[i] = jsonMapper.getTypeFactory().constructType(parameters[i].getParameterizedType());
			names[i] = parameters[i].getName();
		}
		Class<?> returnType = method.getReturnType();
		String unsupported = unsupportedReturnType(returnType);
		if (unsupported != null) {
			throw invalid(type, method, null, unsupported);
		}
		MethodDescriptor.Marshaller<Object[]> request = (parameters.length == 1 && isProtobuf(parameters[0].getType()))
				? ProtobufMarshallers.request(parameters[0].getType())
				: new JsonMarshallers.Arguments(jsonMapper, names, parameterTypes);
		Type genericReturnType = method.getGenericReturnType();
		MethodDescriptor.Marshaller<Reply> response = isProtobuf(returnType)
				? ProtobufMarshallers.response(returnType)
				: new JsonMarshallers.Value(jsonMapper, jsonMapper.getTypeFactory().constructType(genericReturnType));
		MethodDescriptor<Object[], Reply> descriptor = MethodDescriptor
			.<Object[], Reply>newBuilder(request, response)
			.setType(MethodType.UNARY)
			.setFullMethodName(MethodDescriptor.generateFullMethodName(serviceName(type), method.getName()))
			.setIdempotent(isIdempotent(type, method))
			.build();
		return new ContractMethod(method, descriptor, isIdempotent(type, method));
	}

	private static @Nullable String unsupportedParameter(Class<?> parameterType) {
		if (parameterType == URI.class || UriBuilderFactory.class.isAssignableFrom(parameterType)
				|| parameterType == HttpMethod.class) {
			return "a " + parameterType.getSimpleName() + " parameter addresses an HTTP request and has no meaning "
					+ "over gRPC";
		}
		return null;
	}

	private static @Nullable String unsupportedReturnType(Class<?> returnType) {
		if (HttpEntity.class.isAssignableFrom(returnType)) {
			return "it returns " + returnType.getSimpleName() + ", which carries HTTP status and headers; "
					+ "over gRPC, return the body type instead";
		}
		if (Future.class.isAssignableFrom(returnType) || CompletionStage.class.isAssignableFrom(returnType)
				|| (PUBLISHER != null && PUBLISHER.isAssignableFrom(returnType))) {
			return "it returns " + returnType.getSimpleName() + ": interface-over-gRPC calls are blocking and unary; "
					+ "use a generated stub for asynchronous or streaming calls";
		}
		return null;
	}

	/**
	 * Whether calls of a method may be repeated: {@code @Idempotent} on the method, else on the interface, else
	 * the HTTP method of its {@code @HttpExchange} (GET, HEAD, PUT, DELETE and OPTIONS are idempotent).
	 * @param type the interface
	 * @param method the method
	 * @return whether a failed call may be retried on another instance
	 */
	static boolean isIdempotent(Class<?> type, Method method) {
		Idempotent declared = AnnotatedElementUtils.findMergedAnnotation(method, Idempotent.class);
		if (declared == null) {
			declared = AnnotatedElementUtils.findMergedAnnotation(type, Idempotent.class);
		}
		if (declared != null) {
			return declared.value();
		}
		HttpExchange exchange = AnnotatedElementUtils.findMergedAnnotation(method, HttpExchange.class);
		return exchange != null && IDEMPOTENT_HTTP_METHODS.contains(exchange.method().toUpperCase(java.util.Locale.ROOT));
	}

	private static boolean isProtobuf(Class<?> type) {
		return PROTOBUF_MESSAGE != null && PROTOBUF_MESSAGE.isAssignableFrom(type);
	}

	private static IllegalStateException invalid(Class<?> type, Method method, @Nullable Integer parameter,
			String reason) {
		String where = type.getName() + "." + method.getName()
				+ ((parameter != null) ? " (parameter #" + (parameter + 1) + " '"
						+ method.getParameters()[parameter].getName() + "')" : "");
		return new IllegalStateException("Cannot call method " + where + " over gRPC: " + reason);
	}

	private static @Nullable Class<?> loadOptional(String name) {
		ClassLoader classLoader = ServiceInterfaceContract.class.getClassLoader();
		return ClassUtils.isPresent(name, classLoader) ? ClassUtils.resolveClassName(name, classLoader) : null;
	}

	/**
	 * One interface method as a unary gRPC method.
	 *
	 * @param method the Java method
	 * @param descriptor the gRPC method; requests are the call's arguments, responses hold its return value
	 * @param idempotent whether a failed call may be retried on another instance
	 */
	public record ContractMethod(Method method, MethodDescriptor<Object[], Reply> descriptor,
			boolean idempotent) {

		/**
		 * A short name for messages: {@code Interface.method}.
		 * @return the name
		 */
		public String displayName() {
			return this.method.getDeclaringClass().getSimpleName() + "." + this.method.getName();
		}

	}

}
