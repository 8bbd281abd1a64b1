package dev.switchboard.autoconfigure.grpc.server;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.switchboard.autoconfigure.grpc.internal.GrpcHttpStatus;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * Turns an exception thrown by an exported method into a gRPC status, choosing the HTTP status Spring MVC would
 * answer with ({@link ErrorResponse} such as {@link ResponseStatusException}, {@link ResponseStatus} on the
 * exception class, else 500) and sending it in a trailer, so the caller raises the exception a REST caller
 * would.
 *
 * @author Switchboard
 */
final class GrpcServerErrors {

	private static final Log logger = LogFactory.getLog(GrpcServerErrors.class);

	private GrpcServerErrors() {
	}

	static StatusRuntimeException toStatus(Throwable ex, String fullMethodName) {
		if (ex instanceof StatusRuntimeException status) {
			return status;
		}
		if (ex instanceof StatusException status) {
			return status.getStatus().asRuntimeException(status.getTrailers());
		}
		int httpStatus;
		String description;
		ResponseStatus annotated = AnnotatedElementUtils.findMergedAnnotation(ex.getClass(), ResponseStatus.class);
		if (ex instanceof ErrorResponse errorResponse) {
			httpStatus = errorResponse.getStatusCode().value();
			String reason = (ex instanceof ResponseStatusException rse) ? rse.getReason() : null;
			description = (reason != null) ? reason : errorResponse.getBody().getDetail();
		}
		else if (annotated != null) {
			httpStatus = annotated.code().value();
			description = !annotated.reason().isEmpty() ? annotated.reason() : ex.getMessage();
		}
		else {
			// Like Spring MVC: an unexpected exception is a 500 whose details stay in the server's log.
			httpStatus = HttpStatus.INTERNAL_SERVER_ERROR.value();
			description = HttpStatus.INTERNAL_SERVER_ERROR.getReasonPhrase();
			logger.error("Exported gRPC method " + fullMethodName + " failed", ex);
		}
		if (description == null) {
			HttpStatus known = HttpStatus.resolve(httpStatus);
			description = (known != null) ? known.getReasonPhrase() : String.valueOf(httpStatus);
		}
		Metadata trailers = new Metadata();
		trailers.put(GrpcHttpStatus.HTTP_STATUS_TRAILER, Integer.toString(httpStatus));
		return Status.fromCode(GrpcHttpStatus.toGrpc(httpStatus)).withDescription(description).asRuntimeException(trailers);
	}

}
