package dev.switchboard.autoconfigure.channel.outbox;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of the outbox {@code headers} column, which keeps header types across the table: strings, booleans
 * and integers are JSON strings, booleans and numbers, read back as such; the other types, which JSON cannot tell
 * apart, are an object naming the type with the value as text ({@code {"type":"Long","value":"5"}}, bytes in
 * Base64). Rows written before headers had types hold only strings and read as they did.
 *
 * @author Switchboard
 */
final class OutboxHeaders {

	private static final TypeReference<LinkedHashMap<String, Object>> JSON_OBJECT = new TypeReference<>() {
	};

	private static final String TYPE = "type";

	private static final String VALUE = "value";

	private OutboxHeaders() {
	}

	static String write(JsonMapper json, Map<String, Object> headers) {
		Map<String, Object> column = new LinkedHashMap<>();
		headers.forEach((name, value) -> column.put(name, written(value)));
		return json.writeValueAsString(column);
	}

	static Map<String, Object> read(JsonMapper json, String column) {
		Map<String, Object> headers = new LinkedHashMap<>();
		json.readValue(column, JSON_OBJECT).forEach((name, value) -> headers.put(name, read(name, value)));
		return headers;
	}

	private static Object written(Object value) {
		if (value instanceof String || value instanceof Boolean || value instanceof Integer) {
			return value;
		}
		String text = (value instanceof byte[] bytes) ? Base64.getEncoder().encodeToString(bytes)
				: (value instanceof BigDecimal decimal) ? decimal.toString() : value.toString();
		return new Typed(value.getClass().getSimpleName(), text);
	}

	private static Object read(String name, Object value) {
		if (!(value instanceof Map<?, ?> typed)) {
			return value;
		}
		String type = String.valueOf(typed.get(TYPE));
		String text = String.valueOf(typed.get(VALUE));
		return switch (type) {
			case "Long" -> Long.valueOf(text);
			case "Short" -> Short.valueOf(text);
			case "Byte" -> Byte.valueOf(text);
			case "Double" -> Double.valueOf(text);
			case "Float" -> Float.valueOf(text);
			case "BigDecimal" -> new BigDecimal(text);
			case "byte[]" -> Base64.getDecoder().decode(text);
			default -> throw new IllegalStateException("Outbox header '" + name + "' has the unknown type '" + type
					+ "'");
		};
	}

	/** A value JSON cannot type by itself; a record so that the column lists type before value. */
	private record Typed(String type, String value) {
	}

}
