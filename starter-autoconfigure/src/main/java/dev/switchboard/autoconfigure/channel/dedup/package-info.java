/**
 * Idempotency stores for duplicate suppression, chosen by {@code switchboard.channel-deduplication.store}:
 * in memory, or shared by all instances in a database (JDBC) or in Redis.
 */
@NullMarked
package dev.switchboard.autoconfigure.channel.dedup;

import org.jspecify.annotations.NullMarked;
