/**
 * The broker sample: an embedded Kafka broker.
 */
@NullMarked
package dev.switchboard.sample.broker;

import org.jspecify.annotations.NullMarked;
