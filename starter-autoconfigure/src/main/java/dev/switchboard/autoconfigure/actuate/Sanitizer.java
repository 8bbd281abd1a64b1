package dev.switchboard.autoconfigure.actuate;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Keeps credentials out of what the endpoint shows: values of metadata keys that name secrets are masked, and
 * user information is removed from URIs and messages.
 *
 * @author Switchboard
 */
final class Sanitizer {

	static final String MASK = "******";

	private static final String[] SECRET_KEY_PARTS = { "password", "passwd", "pwd", "secret", "token", "credential",
			"authorization", "auth", "key", "signature", "cookie", "session" };

	// scheme://user[:password]@  ->  scheme://
	private static final Pattern USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]+@");

	// key=value pairs in free text whose key names a secret, e.g. "token=s3cr3t"
	private static final Pattern SECRET_PAIR = Pattern.compile(
			"(?i)\\b([\\w.-]*(?:password|passwd|pwd|secret|token|credential|authorization)[\\w.-]*)\\s*[=:]\\s*[^\\s,;&]+");

	private Sanitizer() {
	}

	static boolean isSecretKey(String key) {
		String lower = key.toLowerCase(Locale.ROOT);
		for (String part : SECRET_KEY_PARTS) {
			if (lower.contains(part)) {
				return true;
			}
		}
		return false;
	}

	static @Nullable String uri(@Nullable URI uri) {
		return (uri != null) ? text(uri.toString()) : null;
	}

	static @Nullable String text(@Nullable String text) {
		if (text == null) {
			return null;
		}
		String result = USER_INFO.matcher(text).replaceAll("$1");
		return SECRET_PAIR.matcher(result).replaceAll("$1=" + MASK);
	}

	static Map<String, String> metadata(Map<String, String> metadata) {
		Map<String, String> sanitized = new LinkedHashMap<>();
		metadata.forEach((key, value) -> sanitized.put(key, isSecretKey(key) ? MASK : String.valueOf(text(value))));
		return sanitized;
	}

}
