package dev.switchboard.autoconfigure.client.grpc;

import io.grpc.Status;
import org.jspecify.annotations.Nullable;

import dev.switchboard.core.balancer.CallOutcome;

/**
 * Classifies how a gRPC call ended, for balancers and outlier detection.
 *
 * @author Switchboard
 */
final class GrpcCallOutcomes {

	private GrpcCallOutcomes() {
	}

	/**
	 * The outcome of one attempt.
	 * @param status the final status
	 * @param requestSent whether the request headers reached the transport (a failure before that is a
	 * connection failure)
	 * @param httpStatus the HTTP status an exported interface method answered with, if any
	 * @return the outcome
	 */
	static CallOutcome classify(Status status, boolean requestSent, @Nullable Integer httpStatus) {
		if (httpStatus != null) {
			// An application error from an exported @RestController method: classify it as REST would.
			return (httpStatus >= 500) ? CallOutcome.SERVER_ERROR : CallOutcome.CLIENT_ERROR;
		}
		return switch (status.getCode()) {
			case OK -> CallOutcome.SUCCESS;
			case UNAVAILABLE -> requestSent ? CallOutcome.IO_FAILURE : CallOutcome.CONNECT_FAILURE;
			case DEADLINE_EXCEEDED -> CallOutcome.TIMEOUT;
			case INTERNAL, UNKNOWN, DATA_LOSS, UNIMPLEMENTED -> CallOutcome.SERVER_ERROR;
			// The caller's request or state was at fault, or the caller gave up: not the instance's health.
			case CANCELLED, INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED,
					FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNAUTHENTICATED ->
				CallOutcome.CLIENT_ERROR;
		};
	}

}
