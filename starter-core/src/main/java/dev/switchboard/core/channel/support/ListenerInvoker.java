package dev.switchboard.core.channel.support;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import dev.switchboard.core.channel.Message;
import dev.switchboard.core.channel.MessageContext;
import dev.switchboard.core.channel.MessageHandler;
import org.jspecify.annotations.Nullable;

/**
 * Calls a {@link MessageHandler} from a broker client's listener interface, which allows only unchecked
 * exceptions, and finds the handler's own failure again in what the client's error handling passes on.
 *
 * @author Switchboard
 */
public final class ListenerInvoker {

	private ListenerInvoker() {
	}

	/**
	 * Calls a handler; a checked exception it throws is carried in a {@link HandlerFailedException}.
	 * @param handler the handler
	 * @param message the message
	 * @param context the delivery's context
	 * @return the handler's reply, or {@code null}
	 */
	public static @Nullable Message invoke(MessageHandler handler, Message message, MessageContext context) {
		try {
			return handler.handle(message, context);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new HandlerFailedException(ex);
		}
	}

	/**
	 * The failure as the handler threw it: unwraps {@link HandlerFailedException}, {@link ExecutionException},
	 * {@link CompletionException} and the given wrapper types of the broker's client.
	 * @param failure what the client passed on
	 * @param wrappers the client's exception types that wrap a listener's failure
	 * @return the innermost failure that is not a wrapper
	 */
	@SafeVarargs
	public static Throwable unwrap(Throwable failure, Class<? extends Throwable>... wrappers) {
		Throwable current = failure;
		while (current.getCause() != null && current.getCause() != current && isWrapper(current, wrappers)) {
			current = current.getCause();
		}
		return current;
	}

	/**
	 * Whether a failure or any of its causes is of a type.
	 * @param failure the failure
	 * @param type the type
	 * @return whether the chain holds one
	 */
	public static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return true;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return false;
	}

	private static boolean isWrapper(Throwable failure, Class<? extends Throwable>[] wrappers) {
		if (failure instanceof HandlerFailedException || failure instanceof ExecutionException
				|| failure instanceof CompletionException) {
			return true;
		}
		for (Class<? extends Throwable> wrapper : wrappers) {
			if (wrapper.isInstance(failure)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Carries a checked exception of a handler through a listener interface.
	 */
	public static final class HandlerFailedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		HandlerFailedException(Exception cause) {
			super(cause.toString(), cause);
		}

	}

}
