package dev.switchboard.core.channel;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A {@link MessageHandler} that acknowledges a message whose id its group already processed, without calling
 * the delegate. A failed attempt releases the id, so retries and redeliveries are processed. Kept outside the
 * binders so that every binder gets the same behaviour.
 *
 * @author Switchboard
 */
public final class DeduplicatingMessageHandler implements MessageHandler {

	private static final Log logger = LogFactory.getLog(DeduplicatingMessageHandler.class);

	private final IdempotencyStore store;

	private final MessageHandler delegate;

	/**
	 * Wraps a handler.
	 * @param store remembers processed ids
	 * @param delegate the handler that processes new messages
	 */
	public DeduplicatingMessageHandler(IdempotencyStore store, MessageHandler delegate) {
		this.store = store;
		this.delegate = delegate;
	}

	@Override
	public @Nullable Message handle(Message message, MessageContext context) throws Exception {
		String scope = scope(context);
		if (!this.store.tryClaim(scope, message.getId())) {
			if (logger.isDebugEnabled()) {
				logger.debug("Skipping duplicate message " + message.getId() + " on " + scope);
			}
			return null;
		}
		try {
			return this.delegate.handle(message, context);
		}
		catch (Exception | Error ex) {
			this.store.release(scope, message.getId());
			throw ex;
		}
	}

	/**
	 * The scope ids are remembered in: one per destination and group.
	 * @param context the delivery context
	 * @return the scope
	 */
	static String scope(MessageContext context) {
		return context.getDestination().name() + '/' + context.getGroup();
	}

}
