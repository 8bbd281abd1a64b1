package dev.switchboard.autoconfigure.client.grpc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

import dev.switchboard.autoconfigure.client.grpc.proto.InventoryServiceGrpc;
import dev.switchboard.autoconfigure.client.grpc.proto.Item;
import dev.switchboard.autoconfigure.client.grpc.proto.ItemRequest;

/**
 * A real gRPC server (Netty) on a random loopback port serving the test inventory service: answers name the
 * server, {@code missing} is NOT_FOUND, {@code delay_millis} delays the answer (only on the named server for
 * {@code slow-at:<name>}); a call the client cancels while it is delayed is counted and not answered.
 *
 * @author Switchboard
 */
final class TestInventoryServer implements AutoCloseable {

	private final Server server;

	private final AtomicInteger calls = new AtomicInteger();

	private final AtomicInteger cancelled = new AtomicInteger();

	TestInventoryServer(String name) throws IOException {
		this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
			.addService(new InventoryServiceGrpc.InventoryServiceImplBase() {

				@Override
				public void getItemSafe(ItemRequest request, StreamObserver<Item> observer) {
					getItem(request, observer);
				}

				@Override
				public void getItem(ItemRequest request, StreamObserver<Item> observer) {
					TestInventoryServer.this.calls.incrementAndGet();
					if (request.getSku().equals("unavailable-at:" + name)) {
						// After reading the request: the call certainly reached this instance.
						observer.onError(Status.UNAVAILABLE.withDescription("overloaded").asRuntimeException());
						return;
					}
					if (request.getSku().equals("missing")) {
						observer.onError(Status.NOT_FOUND.withDescription("no item missing").asRuntimeException());
						return;
					}
					boolean slowHere = !request.getSku().startsWith("slow-at:")
							|| request.getSku().equals("slow-at:" + name);
					if (slowHere && !GrpcCancellation.awaitUnlessCancelled(request.getDelayMillis())) {
						TestInventoryServer.this.cancelled.incrementAndGet();
						return;
					}
					observer.onNext(Item.newBuilder().setSku(request.getSku()).setInstance(name).build());
					observer.onCompleted();
				}

			})
			.build()
			.start();
	}

	int port() {
		return this.server.getPort();
	}

	String url() {
		return "http://127.0.0.1:" + port();
	}

	int calls() {
		return this.calls.get();
	}

	int cancelled() {
		return this.cancelled.get();
	}

	@Override
	public void close() {
		this.server.shutdown();
		try {
			if (!this.server.awaitTermination(2, TimeUnit.SECONDS)) {
				this.server.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.server.shutdownNow();
		}
	}

}
