package dev.switchboard.autoconfigure.client.grpc;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

/**
 * Gives unary calls without a deadline the client's read timeout as their deadline. A caller's own deadline
 * (on the stub, or inherited from the gRPC context) wins; streaming calls are left alone, since how long a
 * stream stays open is the application's business.
 *
 * @author Switchboard
 */
final class ReadTimeoutInterceptor implements ClientInterceptor {

	private final long timeoutNanos;

	ReadTimeoutInterceptor(Duration timeout) {
		this.timeoutNanos = timeout.toNanos();
	}

	@Override
	public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
		if (callOptions.getDeadline() == null && method.getType() == MethodDescriptor.MethodType.UNARY) {
			callOptions = callOptions.withDeadlineAfter(this.timeoutNanos, TimeUnit.NANOSECONDS);
		}
		return next.newCall(method, callOptions);
	}

}
