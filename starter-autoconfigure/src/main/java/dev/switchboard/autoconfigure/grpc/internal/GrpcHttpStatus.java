package dev.switchboard.autoconfigure.grpc.internal;

import io.grpc.Metadata;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

/**
 * The mapping between HTTP statuses and gRPC status codes used by interface-over-gRPC calls, so that a
 * {@code @RestController} error reaches a gRPC caller as the same Spring exception a REST caller sees. The
 * server also sends the exact HTTP status in the {@code switchboard-http-status} trailer, so statuses that
 * share a gRPC code (409 and 412, 500 and 502) survive the trip.
 *
 * @author Switchboard
 */
public final class GrpcHttpStatus {

	/** Trailer carrying the HTTP status an exported method's exception stands for. */
	public static final Metadata.Key<String> HTTP_STATUS_TRAILER = Metadata.Key.of("switchboard-http-status",
			Metadata.ASCII_STRING_MARSHALLER);

	private GrpcHttpStatus() {
	}

	/**
	 * The gRPC code of an HTTP error status.
	 * @param httpStatus the HTTP status
	 * @return the code
	 */
	public static Status.Code toGrpc(int httpStatus) {
		return switch (httpStatus) {
			case 400 -> Status.Code.INVALID_ARGUMENT;
			case 401 -> Status.Code.UNAUTHENTICATED;
			case 403 -> Status.Code.PERMISSION_DENIED;
			case 404 -> Status.Code.NOT_FOUND;
			case 409 -> Status.Code.ABORTED;
			case 412 -> Status.Code.FAILED_PRECONDITION;
			case 416 -> Status.Code.OUT_OF_RANGE;
			case 429 -> Status.Code.RESOURCE_EXHAUSTED;
			case 499 -> Status.Code.CANCELLED;
			case 501 -> Status.Code.UNIMPLEMENTED;
			case 503 -> Status.Code.UNAVAILABLE;
			case 504 -> Status.Code.DEADLINE_EXCEEDED;
			default -> (httpStatus >= 400 && httpStatus < 500) ? Status.Code.FAILED_PRECONDITION : Status.Code.INTERNAL;
		};
	}

	/**
	 * The HTTP status of a gRPC code, for statuses that came without the trailer.
	 * @param code the code
	 * @return the HTTP status
	 */
	public static int toHttp(Status.Code code) {
		return switch (code) {
			case OK -> 200;
			case CANCELLED -> 499;
			case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
			case DEADLINE_EXCEEDED -> 504;
			case NOT_FOUND -> 404;
			case ALREADY_EXISTS, ABORTED -> 409;
			case PERMISSION_DENIED -> 403;
			case RESOURCE_EXHAUSTED -> 429;
			case UNIMPLEMENTED -> 501;
			case UNAVAILABLE -> 503;
			case UNAUTHENTICATED -> 401;
			case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
		};
	}

	/**
	 * The HTTP status an exported method's error carried, if the server sent one.
	 * @param trailers the call's trailers
	 * @return the HTTP status, or {@code null} for transport or non-Switchboard errors
	 */
	public static @Nullable Integer fromTrailers(@Nullable Metadata trailers) {
		String value = (trailers != null) ? trailers.get(HTTP_STATUS_TRAILER) : null;
		if (value == null) {
			return null;
		}
		try {
			return Integer.valueOf(value);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
