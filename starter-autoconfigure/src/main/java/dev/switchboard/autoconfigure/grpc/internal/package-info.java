/**
 * The interface-over-gRPC contract shared by client proxies and server exports: method naming, marshallers,
 * idempotency and the mapping between HTTP and gRPC statuses. Not a public API.
 */
@NullMarked
package dev.switchboard.autoconfigure.grpc.internal;

import org.jspecify.annotations.NullMarked;
