package dev.switchboard.core.balancer;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;

/**
 * The {@code host:port} keys of the instances, each built once rather than on every use. A call uses an instance's
 * key 4 or 5 times per attempt (outlier detector, statistics, balancer, observations); discovery hands out the same
 * instance objects until the next refresh, so the key of an instance is remembered by the instance's identity.
 * <p>
 * A small direct-mapped table, not a map: a hit reads one slot and allocates nothing. Slots hold immutable entries
 * written without locks (final fields publish them safely); a race or a collision only costs a new key, as before.
 * An entry is used only while its instance still reports the same host and port, so a mutable instance that is
 * changed gets a fresh key. At most {@value #SLOTS} instances stay referenced after discovery has dropped them.
 *
 * @author Switchboard
 */
final class InstanceKeys {

	private static final int SLOTS = 256;

	private static final @Nullable Entry[] entries = new Entry[SLOTS];

	private InstanceKeys() {
	}

	static String of(ServiceInstance instance) {
		int slot = System.identityHashCode(instance) & (SLOTS - 1);
		Entry entry = entries[slot];
		String host = instance.getHost();
		int port = instance.getPort();
		if (entry != null && entry.instance == instance && entry.port == port && Objects.equals(entry.host, host)) {
			return entry.key;
		}
		String key = host + ':' + port;
		entries[slot] = new Entry(instance, host, port, key);
		return key;
	}

	private record Entry(ServiceInstance instance, @Nullable String host, int port, String key) {

	}

}
