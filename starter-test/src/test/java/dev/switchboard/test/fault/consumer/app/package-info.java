/**
 * The consumer application the consumer-crash tests run in a second JVM: a plain Switchboard application with one
 * {@code @ChannelListener} that records what it processed in PostgreSQL.
 */
@NullMarked
package dev.switchboard.test.fault.consumer.app;

import org.jspecify.annotations.NullMarked;
