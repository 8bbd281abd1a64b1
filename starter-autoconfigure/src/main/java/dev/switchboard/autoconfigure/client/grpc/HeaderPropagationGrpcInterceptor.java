package dev.switchboard.autoconfigure.client.grpc;

import java.util.Map;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

import dev.switchboard.autoconfigure.propagation.PropagatedHeaders;

/**
 * Adds the {@linkplain PropagatedHeaders propagated headers} of the incoming request to the metadata of gRPC
 * calls of Switchboard channels. Values are read when the call is created, on the caller's thread.
 *
 * @author Switchboard
 */
final class HeaderPropagationGrpcInterceptor implements ClientInterceptor {

	private final PropagatedHeaders headers;

	HeaderPropagationGrpcInterceptor(PropagatedHeaders headers) {
		this.headers = headers;
	}

	@Override
	public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
		Map<String, String> values = this.headers.current();
		ClientCall<Q, R> call = next.newCall(method, callOptions);
		if (values.isEmpty()) {
			return call;
		}
		return new SimpleForwardingClientCall<>(call) {

			@Override
			public void start(Listener<R> responseListener, Metadata metadata) {
				values.forEach((name, value) -> {
					Metadata.Key<String> key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
					if (!metadata.containsKey(key)) {
						metadata.put(key, value);
					}
				});
				super.start(responseListener, metadata);
			}

		};
	}

}
