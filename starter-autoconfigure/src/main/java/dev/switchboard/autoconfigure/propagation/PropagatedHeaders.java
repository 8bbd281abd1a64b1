package dev.switchboard.autoconfigure.propagation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The headers to propagate from what the current thread is handling: the incoming servlet request (read from
 * Spring's {@link RequestContextHolder}, which Spring MVC fills for each request) or, in a
 * {@code @ChannelListener}, the consumed message.
 * <p>
 * Read on the caller's thread when a call starts, so retries and hedged attempts on other threads send the
 * same values.
 *
 * @author Switchboard
 */
public final class PropagatedHeaders {

	/** Propagates nothing. */
	public static final PropagatedHeaders NONE = new PropagatedHeaders(List.of());

	private static final boolean SERVLET_PRESENT = ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest",
			PropagatedHeaders.class.getClassLoader());

	private static final ThreadLocal<@Nullable Map<String, String>> MESSAGE_HEADERS = new ThreadLocal<>();

	private final List<String> names;

	/**
	 * Creates a view of the given headers.
	 * @param names the lower case names of the headers to propagate
	 */
	public PropagatedHeaders(List<String> names) {
		this.names = List.copyOf(names);
	}

	/**
	 * The names of the propagated headers.
	 * @return the lower case names
	 */
	public List<String> getNames() {
		return this.names;
	}

	/**
	 * Whether any header is propagated.
	 * @return {@code true} if at least one header name is configured
	 */
	public boolean isEnabled() {
		return !this.names.isEmpty();
	}

	/**
	 * The values to propagate from what the current thread handles.
	 * @return header name (lower case) to value; empty if there is nothing to propagate
	 */
	public Map<String, String> current() {
		if (this.names.isEmpty()) {
			return Collections.emptyMap();
		}
		Map<String, String> message = MESSAGE_HEADERS.get();
		if (message != null) {
			return message;
		}
		return SERVLET_PRESENT ? ServletHeaders.read(this.names) : Collections.emptyMap();
	}

	/**
	 * Runs a task with the propagated headers of a consumed message as the current ones.
	 * @param <T> the task's result type
	 * @param headers the message's headers
	 * @param task the task
	 * @return the task's result
	 * @throws Exception what the task throws
	 */
	public <T> T callWith(Map<String, String> headers, Callable<T> task) throws Exception {
		if (this.names.isEmpty()) {
			return task.call();
		}
		Map<String, String> selected = select(headers);
		Map<String, String> previous = MESSAGE_HEADERS.get();
		MESSAGE_HEADERS.set(selected);
		try {
			return task.call();
		}
		finally {
			if (previous != null) {
				MESSAGE_HEADERS.set(previous);
			}
			else {
				MESSAGE_HEADERS.remove();
			}
		}
	}

	private Map<String, String> select(Map<String, String> headers) {
		Map<String, String> selected = null;
		for (Map.Entry<String, String> header : headers.entrySet()) {
			String name = header.getKey();
			for (String propagated : this.names) {
				if (propagated.equalsIgnoreCase(name)) {
					if (selected == null) {
						selected = new LinkedHashMap<>(4);
					}
					selected.put(propagated, header.getValue());
				}
			}
		}
		return (selected != null) ? selected : Collections.emptyMap();
	}

	@Override
	public String toString() {
		return "PropagatedHeaders" + this.names;
	}

	/**
	 * Reads the incoming servlet request; a separate class so that the servlet API is only loaded when present.
	 */
	private static final class ServletHeaders {

		static Map<String, String> read(List<String> names) {
			RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
			if (!(attributes instanceof ServletRequestAttributes servlet)) {
				return Collections.emptyMap();
			}
			Map<String, String> values = null;
			for (String name : names) {
				String value = servlet.getRequest().getHeader(name);
				if (value != null) {
					if (values == null) {
						values = new LinkedHashMap<>(4);
					}
					values.put(name, value);
				}
			}
			return (values != null) ? values : Collections.emptyMap();
		}

	}

}
