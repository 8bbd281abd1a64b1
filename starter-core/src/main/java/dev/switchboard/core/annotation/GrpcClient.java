package dev.switchboard.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects a gRPC stub (or the channel itself) bound to the discovery-backed channel of a service client. The
 * annotated field or constructor parameter has a generated stub type ({@code FooGrpc.FooBlockingStub},
 * {@code FooFutureStub}, {@code FooStub}, ...) or {@code io.grpc.Channel}; the stub is made with the factory
 * method of the enclosing {@code FooGrpc} class. Calls are routed through discovery and the client's load
 * balancer, with the timeouts and TLS settings of {@code switchboard.clients.<name>.*}.
 *
 * <pre class="code">
 * &#64;Service
 * class Orders {
 *     Orders(&#64;GrpcClient("inventory") InventoryServiceGrpc.InventoryServiceBlockingStub inventory) { ... }
 * }
 * </pre>
 *
 * @author Switchboard
 */
@Target({ ElementType.FIELD, ElementType.PARAMETER })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface GrpcClient {

	/**
	 * The client name: the key of {@code switchboard.clients.<name>} and, unless {@code service-id} is set, the
	 * service id looked up in discovery. All stubs of one name share one channel.
	 * @return the client name
	 */
	String value();

}
