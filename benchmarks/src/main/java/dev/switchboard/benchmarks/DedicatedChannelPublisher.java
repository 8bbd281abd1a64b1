package dev.switchboard.benchmarks;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/**
 * The fair anchor for the RabbitMQ binder: the plain RabbitMQ client publishing persistent, mandatory messages on
 * one dedicated channel with publisher confirms, each publish's future completed by its confirm (multiple acks
 * included). It does the work the binder does on the wire, without the binder: no deadline, no retry, no window of
 * its own, no return handling (the benchmark's queue is bound, nothing is unroutable), publishing on the caller's
 * thread. Not thread-safe: one publishing thread.
 */
final class DedicatedChannelPublisher implements AutoCloseable {

	private final Connection connection;

	private final Channel channel;

	private final ConcurrentNavigableMap<Long, CompletableFuture<Void>> unconfirmed = new ConcurrentSkipListMap<>();

	DedicatedChannelPublisher(String host) throws IOException, TimeoutException {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost(host);
		this.connection = factory.newConnection("benchmark-dedicated-channel");
		this.channel = this.connection.createChannel();
		this.channel.confirmSelect();
		this.channel.addConfirmListener((tag, multiple) -> settle(tag, multiple, null),
				(tag, multiple) -> settle(tag, multiple, new IllegalStateException("nacked")));
	}

	CompletableFuture<Void> publish(String exchange, String routingKey, byte[] payload) throws IOException {
		AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().deliveryMode(2)
			.contentType("application/json")
			.messageId(UUID.randomUUID().toString())
			.headers(Map.of("switchboard-key", routingKey))
			.build();
		CompletableFuture<Void> confirmed = new CompletableFuture<>();
		this.unconfirmed.put(this.channel.getNextPublishSeqNo(), confirmed);
		this.channel.basicPublish(exchange, routingKey, true, properties, payload);
		return confirmed;
	}

	private void settle(long tag, boolean multiple, IllegalStateException failure) {
		ConcurrentNavigableMap<Long, CompletableFuture<Void>> settled = multiple ? this.unconfirmed.headMap(tag, true)
				: this.unconfirmed.subMap(tag, true, tag, true);
		settled.values().forEach((future) -> {
			if (failure == null) {
				future.complete(null);
			}
			else {
				future.completeExceptionally(failure);
			}
		});
		settled.clear();
	}

	@Override
	public void close() throws IOException, TimeoutException {
		this.channel.close();
		this.connection.close();
	}

}
