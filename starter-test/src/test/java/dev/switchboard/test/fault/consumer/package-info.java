/**
 * A consumer process killed with SIGKILL mid-stream loses no message: the tests start a second JVM that consumes a
 * channel, kill it, restart it and count what it processed.
 */
@NullMarked
package dev.switchboard.test.fault.consumer;

import org.jspecify.annotations.NullMarked;
