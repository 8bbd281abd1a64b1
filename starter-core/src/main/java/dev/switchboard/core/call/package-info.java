/**
 * The call policy every client transport runs: attempts, retry decisions, the retry budget, instance exclusion,
 * backoff and hedging, independent of REST or gRPC.
 */
@NullMarked
package dev.switchboard.core.call;

import org.jspecify.annotations.NullMarked;
