package dev.switchboard.autoconfigure.client.grpc;

import java.time.Duration;

import io.grpc.ManagedChannelBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;

import org.springframework.util.ClassUtils;

/**
 * Applies the connect timeout to Netty channel builders, the transport Spring gRPC uses; grpc's generic builder
 * has no such setting. Only loaded when grpc-netty is on the classpath.
 *
 * @author Switchboard
 */
final class NettyChannelOptions {

	private static final boolean NETTY_PRESENT = ClassUtils.isPresent("io.grpc.netty.NettyChannelBuilder",
			NettyChannelOptions.class.getClassLoader());

	private NettyChannelOptions() {
	}

	static void applyConnectTimeout(ManagedChannelBuilder<?> builder, Duration connectTimeout) {
		if (NETTY_PRESENT) {
			Netty.apply(builder, connectTimeout);
		}
	}

	private static final class Netty {

		static void apply(ManagedChannelBuilder<?> builder, Duration connectTimeout) {
			if (builder instanceof NettyChannelBuilder netty) {
				netty.withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
						connectTimeout.toMillis()));
			}
		}

	}

}
