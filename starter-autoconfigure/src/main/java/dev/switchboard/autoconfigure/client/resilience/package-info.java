/**
 * Resilience4j circuit breakers, bulkheads, rate limiters and time limiters around service client calls.
 */
@NullMarked
package dev.switchboard.autoconfigure.client.resilience;

import org.jspecify.annotations.NullMarked;
