package dev.switchboard.autoconfigure.grpc.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * JSON marshallers of interface-over-gRPC calls, on the application's Jackson mapper.
 *
 * @author Switchboard
 */
final class JsonMarshallers {

	private JsonMarshallers() {
	}

	/**
	 * The arguments of a call as one JSON object keyed by parameter name, so that both sides read them by name
	 * (the same interface compiles to the same names on both sides).
	 */
	static final class Arguments implements Marshaller<Object[]> {

		private final JsonMapper mapper;

		private final String[] names;

		private final JavaType[] types;

		Arguments(JsonMapper mapper, String[] names, JavaType[] types) {
			this.mapper = mapper;
			this.names = names;
			this.types = types;
		}

		@Override
		public InputStream stream(Object[] arguments) {
			Map<String, @Nullable Object> object = new LinkedHashMap<>();
			for (int i = 0; i < this.names.length; i++) {
				object.put(this.names[i], arguments[i]);
			}
			return new ByteArrayInputStream(this.mapper.writeValueAsBytes(object));
		}

		@Override
		public Object[] parse(InputStream stream) {
			try {
				JsonNode tree = this.mapper.readTree(stream);
				Object[] arguments = new Object[this.names.length];
				for (int i = 0; i < this.names.length; i++) {
					JsonNode value = (tree != null) ? tree.get(this.names[i]) : null;
					arguments[i] = this.mapper.treeToValue((value != null) ? value : NullNode.getInstance(),
							this.types[i]);
				}
				return arguments;
			}
			catch (JacksonException ex) {
				throw Status.INVALID_ARGUMENT.withDescription("Cannot read the call's arguments: " + ex.getOriginalMessage())
					.withCause(ex)
					.asRuntimeException();
			}
		}

	}

	/**
	 * A return value as JSON.
	 */
	static final class Value implements Marshaller<Reply> {

		private final JsonMapper mapper;

		private final JavaType type;

		Value(JsonMapper mapper, JavaType type) {
			this.mapper = mapper;
			this.type = type;
		}

		@Override
		public InputStream stream(Reply reply) {
			return new ByteArrayInputStream(this.mapper.writerFor(this.type).writeValueAsBytes(reply.value()));
		}

		@Override
		public Reply parse(InputStream stream) {
			try {
				if (this.type.getRawClass() == void.class || this.type.getRawClass() == Void.class) {
					return new Reply(null);
				}
				return new Reply(this.mapper.readValue(stream, this.type));
			}
			catch (JacksonException ex) {
				throw Status.INTERNAL.withDescription("Cannot read the call's result: " + ex.getOriginalMessage())
					.withCause(ex)
					.asRuntimeException();
			}
		}

	}

}
