package dev.switchboard.test.fault.consumer.app;

/**
 * The event the crash tests publish: its sequence number tells which of the published messages it is.
 *
 * @param seq the sequence number, from 0
 */
public record OrderPlaced(int seq) {
}
