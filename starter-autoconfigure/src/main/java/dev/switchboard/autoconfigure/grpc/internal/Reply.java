package dev.switchboard.autoconfigure.grpc.internal;

import org.jspecify.annotations.Nullable;

/**
 * The return value of an interface-over-gRPC call. A holder because gRPC messages cannot be {@code null} while
 * Java methods may return it (and {@code void} methods return nothing).
 *
 * @param value the return value, or {@code null}
 * @author Switchboard
 */
public record Reply(@Nullable Object value) {
}
