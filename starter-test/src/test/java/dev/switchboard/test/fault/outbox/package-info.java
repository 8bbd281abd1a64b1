/**
 * Fault tests of the transactional outbox: a JVM killed with SIGKILL between commit and publish.
 */
@NullMarked
package dev.switchboard.test.fault.outbox;

import org.jspecify.annotations.NullMarked;
