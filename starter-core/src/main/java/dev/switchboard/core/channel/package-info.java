/**
 * Transport-neutral messaging: messages, the binder SPI that brokers implement, and the in-memory binder.
 */
@NullMarked
package dev.switchboard.core.channel;

import org.jspecify.annotations.NullMarked;
