package dev.switchboard.test.fault.channel;

import java.util.concurrent.CompletableFuture;

import dev.switchboard.core.annotation.ChannelClient;
import dev.switchboard.core.annotation.MessageHeader;
import dev.switchboard.core.annotation.Publish;

/**
 * The publisher of the fault tests, waiting for each publish or taking its future; the id travels in a header so
 * that a consumer reading the broker directly can tell which publishes arrived.
 */
@ChannelClient
interface LoadEvents {

	@Publish("events")
	void publish(@MessageHeader("load-id") String id, String payload);

	@Publish("events")
	CompletableFuture<Void> publishAsync(@MessageHeader("load-id") String id, String payload);

}
