package dev.switchboard.autoconfigure.client.grpc;

import java.util.List;

import io.grpc.Status;
import org.jspecify.annotations.Nullable;

import dev.switchboard.core.balancer.CallOutcome;
import dev.switchboard.core.call.Attempt;

import org.springframework.cloud.client.ServiceInstance;

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

	/**
	 * One failed attempt as the call policy sees it: how far it got, decided by whether the request headers
	 * reached a transport, and how the instance did.
	 * @param <R> the response type
	 * @param instance the instance the attempt went to
	 * @param status the final status, not OK
	 * @param requestSent whether the request headers reached a transport
	 * @param httpStatus the HTTP status an exported interface method answered with, if any
	 * @param failure the exception to report if the call ends with this attempt
	 * @param retryStatuses the HTTP statuses the client retries
	 * @return the attempt
	 */
	static <R> Attempt<R> failedAttempt(ServiceInstance instance, Status status, boolean requestSent,
			@Nullable Integer httpStatus, RuntimeException failure, List<Integer> retryStatuses) {
		CallOutcome outcome = classify(status, requestSent, httpStatus);
		if (httpStatus != null) {
			// An HTTP status from an exported interface method: retried as REST would retry it.
			return Attempt.errorResponse(instance, failure, outcome, retryStatuses.contains(httpStatus));
		}
		Status.Code code = status.getCode();
		if (!requestSent && (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED)) {
			return Attempt.notSent(instance, failure);
		}
		return switch (code) {
			case UNAVAILABLE, DEADLINE_EXCEEDED -> Attempt.failedAfterSend(instance, failure, outcome);
			case CANCELLED -> Attempt.finalFailure(instance, failure, CallOutcome.CANCELLED);
			default -> Attempt.errorResponse(instance, failure, outcome, false);
		};
	}

}
