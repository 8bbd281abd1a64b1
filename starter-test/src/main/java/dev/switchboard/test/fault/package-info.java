/**
 * Real network faults for tests: {@link dev.switchboard.test.fault.FaultProxy} sits between an application and a
 * server and black-holes, resets or delays its TCP connections; {@link dev.switchboard.test.fault.UnansweredPort}
 * is a port where a connection is never established.
 */
@NullMarked
package dev.switchboard.test.fault;

import org.jspecify.annotations.NullMarked;
