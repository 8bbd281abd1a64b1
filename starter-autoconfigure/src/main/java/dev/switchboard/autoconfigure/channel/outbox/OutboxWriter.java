package dev.switchboard.autoconfigure.channel.outbox;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;

import javax.sql.DataSource;

import dev.switchboard.autoconfigure.channel.ChannelSettings;
import dev.switchboard.autoconfigure.channel.MessageOutbox;
import dev.switchboard.core.channel.Message;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Stores the messages of outbox channels in the caller's transaction, and wakes the relay when that transaction
 * commits. A rollback removes the row with everything else the transaction wrote, so nothing is published.
 * <p>
 * The insert joins the transaction because {@link JdbcOutboxRepository}'s {@code JdbcTemplate} takes its
 * connection through {@code DataSourceUtils}, which returns the one a transaction manager bound to the
 * DataSource ({@code DataSourceTransactionManager}, {@code JpaTransactionManager} on the same DataSource).
 *
 * @author Switchboard
 */
public class OutboxWriter implements MessageOutbox {

	private final OutboxChannels channels;

	private final DataSource dataSource;

	private final JdbcOutboxRepository repository;

	private final Runnable relayWakeUp;

	private final Clock clock;

	private final @Nullable OutboxBacklog backlog;

	/**
	 * Creates a writer.
	 * @param channels which channels publish through the outbox
	 * @param dataSource the DataSource the application's transactions are bound to
	 * @param repository the outbox table
	 * @param relayWakeUp asks the relay to poll now
	 * @param clock the clock of the created-at column
	 * @param backlog the counted backlog, reported per channel, or {@code null}
	 */
	public OutboxWriter(OutboxChannels channels, DataSource dataSource, JdbcOutboxRepository repository,
			Runnable relayWakeUp, Clock clock, @Nullable OutboxBacklog backlog) {
		this.backlog = backlog;
		this.channels = channels;
		this.dataSource = dataSource;
		this.repository = repository;
		this.relayWakeUp = relayWakeUp;
		this.clock = clock;
	}

	@Override
	public boolean isEnabled(String channel) {
		return this.channels.isEnabled(channel);
	}

	@Override
	public @Nullable Backlog backlog(String channel) {
		OutboxBacklog backlog = this.backlog;
		if (backlog == null || !isEnabled(channel)) {
			return null;
		}
		return new Backlog(backlog.pending(channel), backlog.oldestAge(channel));
	}

	@Override
	public CompletableFuture<Void> store(ChannelSettings settings, Message message) {
		String channel = settings.channel();
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new OutboxTransactionRequiredException(channel, "no transaction is active");
		}
		// Without this check the insert would run on a connection of its own in auto-commit mode, outside the
		// application's transaction (which then belongs to another resource), and survive its rollback.
		if (!TransactionSynchronizationManager.hasResource(this.dataSource)) {
			throw new OutboxTransactionRequiredException(channel,
					"the active transaction is not bound to the outbox's DataSource");
		}
		if (TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
			throw new OutboxTransactionRequiredException(channel, "the active transaction is read-only");
		}
		this.repository.insert(channel, settings.destination().name(), message, this.clock.instant());
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCommit() {
					OutboxWriter.this.relayWakeUp.run();
				}

			});
		}
		return CompletableFuture.completedFuture(null);
	}

}
