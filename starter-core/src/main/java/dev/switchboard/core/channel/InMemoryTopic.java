package dev.switchboard.core.channel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One destination of the {@link InMemoryChannelBinder} and its subscriptions, grouped by consumer group: every
 * group gets each message, one subscription of the group takes it (the same one for a key).
 *
 * @author Switchboard
 */
final class InMemoryTopic {

	private final List<InMemorySubscription> members = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicInteger> roundRobin = new ConcurrentHashMap<>();

	void add(InMemorySubscription member) {
		this.members.add(member);
	}

	void remove(InMemorySubscription member) {
		this.members.remove(member);
	}

	/**
	 * Hands the message to one member of every group, waiting for room until the deadline.
	 * @return how many groups there were, and how many had no room
	 */
	Delivery deliver(Message message, long deadlineNanos) {
		Map<String, List<InMemorySubscription>> groups = new LinkedHashMap<>();
		for (InMemorySubscription member : this.members) {
			groups.computeIfAbsent(member.group(), (group) -> new ArrayList<>()).add(member);
		}
		String key = message.getKey();
		int full = 0;
		for (Map.Entry<String, List<InMemorySubscription>> entry : groups.entrySet()) {
			List<InMemorySubscription> members = entry.getValue();
			int hash = (key != null) ? spread(key.hashCode())
					: this.roundRobin.computeIfAbsent(entry.getKey(), (name) -> new AtomicInteger())
						.getAndIncrement();
			InMemorySubscription member = members.get(Math.floorMod(hash, members.size()));
			if (!member.enqueue(message, hash / members.size(), deadlineNanos)) {
				full++;
			}
		}
		return new Delivery(groups.size(), full);
	}

	private static int spread(int hash) {
		return (hash ^ (hash >>> 16)) & Integer.MAX_VALUE;
	}

	List<InMemorySubscription> members() {
		return this.members;
	}

	/**
	 * What a delivery did: the consumer groups of the destination, and how many of them had no room in time.
	 * @param groups the consumer groups
	 * @param full the groups that had no room
	 */
	record Delivery(int groups, int full) {

		static final Delivery NO_GROUP = new Delivery(0, 0);

	}

}
