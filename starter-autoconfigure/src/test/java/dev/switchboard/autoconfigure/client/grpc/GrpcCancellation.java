package dev.switchboard.autoconfigure.client.grpc;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;

/**
 * For test servers that answer slowly: a wait that ends early when the client cancels the call.
 *
 * @author Switchboard
 */
public final class GrpcCancellation {

	private GrpcCancellation() {
	}

	/**
	 * Waits, unless the client cancels the call first: grpc cancels the call's context as soon as the
	 * cancellation arrives, while the handler still runs. Call it on the handler's thread.
	 * @param millis how long to wait
	 * @return {@code false} if the call was cancelled
	 */
	public static boolean awaitUnlessCancelled(long millis) {
		if (millis <= 0) {
			return true;
		}
		CountDownLatch cancelled = new CountDownLatch(1);
		Context.current().addListener((context) -> cancelled.countDown(), Runnable::run);
		try {
			return !cancelled.await(millis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return true;
		}
	}

}
