/**
 * Micrometer meters of the service clients' call policy: attempts, retries, hedges, budget refusals,
 * ejections and per-instance balancer state.
 */
@NullMarked
package dev.switchboard.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
