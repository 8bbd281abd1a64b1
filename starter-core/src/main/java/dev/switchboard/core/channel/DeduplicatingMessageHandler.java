package dev.switchboard.core.channel;

import org.jspecify.annotations.Nullable;

/**
 * A {@link MessageHandler} that runs its delegate through an {@link IdempotentConsumer}: a message its group
 * already processed is acknowledged without calling the delegate. Kept outside the binders so that every binder
 * gets the same behaviour.
 *
 * @author Switchboard
 */
public final class DeduplicatingMessageHandler implements MessageHandler {

	private final IdempotentConsumer policy;

	private final MessageHandler delegate;

	/**
	 * Wraps a handler.
	 * @param policy claims, marks and releases messages in the store
	 * @param delegate the handler that processes new messages
	 */
	public DeduplicatingMessageHandler(IdempotentConsumer policy, MessageHandler delegate) {
		this.policy = policy;
		this.delegate = delegate;
	}

	@Override
	public @Nullable Message handle(Message message, MessageContext context) throws Exception {
		return this.policy.handle(message, context, this.delegate);
	}

}
