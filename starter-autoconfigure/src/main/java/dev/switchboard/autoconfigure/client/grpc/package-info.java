/**
 * The gRPC transport of service clients: discovery-backed channels balanced by Switchboard's balancers,
 * injected stubs, and {@code @ServiceClient} interfaces called over gRPC.
 */
@NullMarked
package dev.switchboard.autoconfigure.client.grpc;

import org.jspecify.annotations.NullMarked;
