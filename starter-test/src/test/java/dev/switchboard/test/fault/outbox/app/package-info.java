/**
 * The application the outbox crash test starts in second JVMs: it writes orders and their events in transactions
 * and relays the outbox when its properties say so.
 */
@NullMarked
package dev.switchboard.test.fault.outbox.app;

import org.jspecify.annotations.NullMarked;
