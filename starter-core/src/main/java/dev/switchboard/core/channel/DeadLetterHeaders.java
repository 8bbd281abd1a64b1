package dev.switchboard.core.channel;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Headers a binder adds to a message it moves to a dead-letter destination, so that operators see why it failed
 * whichever broker carried it.
 *
 * @author Switchboard
 */
public final class DeadLetterHeaders {

	/** Class name of the exception that made the message fail. */
	public static final String EXCEPTION_CLASS = "switchboard-dlq-exception-class";

	/** Message of that exception. */
	public static final String EXCEPTION_MESSAGE = "switchboard-dlq-exception-message";

	/** The first lines of that exception's stack trace. */
	public static final String EXCEPTION_STACKTRACE = "switchboard-dlq-exception-stacktrace";

	/** The channel the message was consumed from. */
	public static final String ORIGINAL_CHANNEL = "switchboard-dlq-original-channel";

	/** The destination the message was consumed from. */
	public static final String ORIGINAL_DESTINATION = "switchboard-dlq-original-destination";

	/** The consumer group that failed to process the message. */
	public static final String ORIGINAL_GROUP = "switchboard-dlq-original-group";

	/** How many attempts were made. */
	public static final String ATTEMPTS = "switchboard-dlq-attempts";

	/** When the message was dead-lettered (ISO-8601). */
	public static final String FAILED_AT = "switchboard-dlq-failed-at";

	/** Longest stack trace head kept, in characters: enough to locate the failure, small enough for any broker. */
	public static final int MAX_STACKTRACE_LENGTH = 4000;

	private static final int MAX_MESSAGE_LENGTH = 1000;

	private DeadLetterHeaders() {
	}

	/**
	 * The headers describing a failure.
	 * @param context the context of the last failed attempt
	 * @param failure the exception of the last attempt
	 * @return the headers, in a new mutable map
	 */
	public static Map<String, String> describe(MessageContext context, Throwable failure) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put(EXCEPTION_CLASS, failure.getClass().getName());
		String message = failure.getMessage();
		headers.put(EXCEPTION_MESSAGE, truncate((message != null) ? message : "", MAX_MESSAGE_LENGTH));
		headers.put(EXCEPTION_STACKTRACE, truncate(stackTrace(failure), MAX_STACKTRACE_LENGTH));
		headers.put(ORIGINAL_CHANNEL, context.getChannel());
		headers.put(ORIGINAL_DESTINATION, context.getDestination().name());
		headers.put(ORIGINAL_GROUP, context.getGroup());
		headers.put(ATTEMPTS, Integer.toString(context.getDeliveryAttempt()));
		headers.put(FAILED_AT, Instant.now().toString());
		return headers;
	}

	/**
	 * The message to send to the dead-letter destination: the original with the same id, key and payload, plus
	 * the failure headers.
	 * @param context the context of the last failed attempt
	 * @param failure the exception of the last attempt
	 * @return the dead-letter message
	 */
	public static Message deadLetter(MessageContext context, Throwable failure) {
		// A dead letter is not a request any more: nobody must answer it from the DLQ.
		return context.getMessage()
			.mutate()
			.removeHeader(Message.REPLY_TO_HEADER)
			.headers(describe(context, failure))
			.build();
	}

	private static String stackTrace(Throwable failure) {
		StringWriter writer = new StringWriter();
		failure.printStackTrace(new PrintWriter(writer));
		return writer.toString();
	}

	private static String truncate(String value, int max) {
		return (value.length() <= max) ? value : value.substring(0, max);
	}

}
