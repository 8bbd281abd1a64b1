package dev.switchboard.core.channel;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The types a {@link Message} header may hold, their text form and the conversions between them. Written here
 * rather than taken from Spring's {@code ConversionService}: the core depends on no conversion service, and the
 * rules are deliberately narrower (no lossy number conversion, no lenient boolean parsing), so that a listener
 * sees the same value whichever broker carried the header.
 *
 * @author Switchboard
 */
final class HeaderValues {

	/** The header value types, in the order error messages name them. */
	static final List<Class<?>> TYPES = List.of(String.class, Boolean.class, Integer.class, Long.class, Short.class,
			Byte.class, Double.class, Float.class, BigDecimal.class, byte[].class);

	private static final Map<Class<?>, Class<?>> WRAPPERS = Map.of(boolean.class, Boolean.class, int.class,
			Integer.class, long.class, Long.class, short.class, Short.class, byte.class, Byte.class, double.class,
			Double.class, float.class, Float.class);

	private HeaderValues() {
	}

	/**
	 * Names the allowed types for error messages.
	 * @return the simple names, comma separated
	 */
	static String allowedTypes() {
		return TYPES.stream().map(Class::getSimpleName).collect(Collectors.joining(", "));
	}

	/**
	 * Whether a class is a header value type, or the primitive of one.
	 * @param type the class
	 * @return {@code true} when values of it can be headers
	 */
	static boolean isSupported(Class<?> type) {
		return TYPES.contains(WRAPPERS.getOrDefault(type, type));
	}

	/**
	 * Checks a value and copies it when it is mutable.
	 * @param name the header name, for the error message
	 * @param value the value
	 * @return the value to keep
	 */
	static Object checked(String name, @Nullable Object value) {
		if (value == null) {
			throw new IllegalArgumentException("Header '" + name + "' must not be null");
		}
		if (value instanceof byte[] bytes) {
			return bytes.clone();
		}
		if (!TYPES.contains(value.getClass())) {
			throw new IllegalArgumentException("Header '" + name + "' has a value of type " + value.getClass().getName()
					+ "; header values must be one of " + allowedTypes());
		}
		return value;
	}

	/**
	 * The text form of a header value: the string itself, {@code toString()} of booleans and numbers (plain
	 * notation for {@code BigDecimal}), UTF-8 for bytes.
	 * @param value the value
	 * @return its text
	 */
	static String text(Object value) {
		if (value instanceof String string) {
			return string;
		}
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		if (value instanceof BigDecimal decimal) {
			return decimal.toPlainString();
		}
		return value.toString();
	}

	/**
	 * Converts a header value: to {@code Object} or its own type as it is, to {@code String} as its
	 * {@linkplain #text(Object) text}, between numbers when no value is lost, from text by parsing it.
	 * @param name the header name, for the error message
	 * @param value the value
	 * @param type the type wanted, a header value type, its primitive or {@code Object}
	 * @param <T> the type wanted
	 * @return the converted value
	 * @throws IllegalArgumentException when the value cannot be converted without loss
	 */
	@SuppressWarnings("unchecked")
	static <T> T convert(String name, Object value, Class<T> type) {
		Class<?> target = WRAPPERS.getOrDefault(type, type);
		if (target != Object.class && !TYPES.contains(target)) {
			throw new IllegalArgumentException("Header '" + name + "' cannot be read as " + type.getName()
					+ "; header values convert to Object or one of " + allowedTypes());
		}
		try {
			return (T) converted(value, target);
		}
		catch (NumberFormatException | ArithmeticException ex) {
			throw cannotConvert(name, value, type, ex);
		}
		catch (IllegalArgumentException ex) {
			throw cannotConvert(name, value, type, null);
		}
	}

	private static Object converted(Object value, Class<?> target) {
		if (target == Object.class || target.isInstance(value)) {
			return (value instanceof byte[] bytes) ? bytes.clone() : value;
		}
		if (target == String.class) {
			return text(value);
		}
		if (value instanceof String text) {
			return parsed(text, target);
		}
		if (value instanceof Number number && Number.class.isAssignableFrom(target)) {
			return number(number, target);
		}
		throw new IllegalArgumentException();
	}

	private static Object parsed(String text, Class<?> target) {
		if (target == byte[].class) {
			return text.getBytes(StandardCharsets.UTF_8);
		}
		if (target == Boolean.class) {
			// Strict: Boolean.parseBoolean would read any typo as false.
			if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
				return Boolean.valueOf(text);
			}
			throw new IllegalArgumentException();
		}
		if (target == Double.class) {
			return Double.valueOf(text);
		}
		if (target == Float.class) {
			return Float.valueOf(text);
		}
		return number(new BigDecimal(text), target);
	}

	private static Number number(Number number, Class<?> target) {
		if (target == Double.class) {
			return number.doubleValue();
		}
		if (target == Float.class) {
			// A float keeps only floats and the integers it represents exactly.
			float narrowed = number.floatValue();
			if (number instanceof Float || (number instanceof Double d && (d.isNaN() || d.isInfinite()))
					|| new BigDecimal(narrowed).compareTo(decimal(number)) == 0) {
				return narrowed;
			}
			throw new ArithmeticException("not exactly a float");
		}
		BigDecimal decimal = decimal(number);
		if (target == BigDecimal.class) {
			return decimal;
		}
		if (target == Long.class) {
			return decimal.longValueExact();
		}
		if (target == Integer.class) {
			return decimal.intValueExact();
		}
		if (target == Short.class) {
			return decimal.shortValueExact();
		}
		return decimal.byteValueExact();
	}

	private static BigDecimal decimal(Number number) {
		if (number instanceof BigDecimal decimal) {
			return decimal;
		}
		if (number instanceof Double || number instanceof Float) {
			double value = number.doubleValue();
			if (Double.isNaN(value) || Double.isInfinite(value)) {
				throw new ArithmeticException(value + " is no decimal");
			}
			return new BigDecimal(value);
		}
		return BigDecimal.valueOf(number.longValue());
	}

	private static IllegalArgumentException cannotConvert(String name, Object value, Class<?> type,
			@Nullable Throwable cause) {
		return new IllegalArgumentException("Header '" + name + "' with value '" + text(value) + "' ("
				+ value.getClass().getSimpleName() + ") cannot be converted to " + type.getSimpleName()
				+ " without loss", cause);
	}

}
