/**
 * Propagation of selected incoming request headers to outgoing REST calls, gRPC calls and messages.
 */
@NullMarked
package dev.switchboard.autoconfigure.propagation;

import org.jspecify.annotations.NullMarked;
