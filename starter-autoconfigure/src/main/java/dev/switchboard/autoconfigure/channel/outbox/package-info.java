/**
 * The transactional outbox: messages of channels with {@code outbox.enabled} are stored in the caller's
 * transaction and relayed to the broker after commit, with acknowledgements, in per-key order, at least once.
 */
@NullMarked
package dev.switchboard.autoconfigure.channel.outbox;

import org.jspecify.annotations.NullMarked;
