package dev.switchboard.autoconfigure.grpc.internal;

import java.io.InputStream;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.protobuf.ProtoUtils;

import org.springframework.util.ReflectionUtils;

/**
 * Protobuf marshallers for methods whose only parameter or return type is a generated message. Only loaded
 * when protobuf is on the classpath.
 *
 * @author Switchboard
 */
final class ProtobufMarshallers {

	private ProtobufMarshallers() {
	}

	static Marshaller<Object[]> request(Class<?> messageType) {
		Marshaller<Message> marshaller = marshaller(messageType);
		return new Marshaller<>() {

			@Override
			public InputStream stream(Object[] arguments) {
				return marshaller.stream((Message) arguments[0]);
			}

			@Override
			public Object[] parse(InputStream stream) {
				return new Object[] { marshaller.parse(stream) };
			}

		};
	}

	static Marshaller<Reply> response(Class<?> messageType) {
		Marshaller<Message> marshaller = marshaller(messageType);
		return new Marshaller<>() {

			@Override
			public InputStream stream(Reply reply) {
				if (reply.value() == null) {
					throw new IllegalStateException("A method returning a protobuf message returned null");
				}
				return marshaller.stream((Message) reply.value());
			}

			@Override
			public Reply parse(InputStream stream) {
				return new Reply(marshaller.parse(stream));
			}

		};
	}

	private static Marshaller<Message> marshaller(Class<?> messageType) {
		java.lang.reflect.Method method = ReflectionUtils.findMethod(messageType, "getDefaultInstance");
		if (method == null) {
			throw new IllegalStateException(messageType.getName() + " is not a generated protobuf message: it has no "
					+ "static getDefaultInstance()");
		}
		Message defaultInstance = (Message) ReflectionUtils.invokeMethod(method, null);
		return ProtoUtils.marshaller(defaultInstance);
	}

}
