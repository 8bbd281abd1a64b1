/**
 * Serving over gRPC: export of application beans by interface, and the gRPC port as instance metadata.
 */
@NullMarked
package dev.switchboard.autoconfigure.grpc.server;

import org.jspecify.annotations.NullMarked;
