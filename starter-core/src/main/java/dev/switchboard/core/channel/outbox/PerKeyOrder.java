package dev.switchboard.core.channel.outbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import org.jspecify.annotations.Nullable;

/**
 * Decides which rows of an outbox relay's batch may be published now without breaking the order of a key.
 * <p>
 * A relay locks a batch of pending rows, but rows of one key may be missing from it: locked by another relay
 * instance, or waiting for a retry after a failed publish. A row may be published only when every earlier pending
 * row of its key is published before it, by this relay, in this batch. So each key's rows are taken in id order
 * up to the first pending row of that key the batch does not hold; the rest wait for a later batch.
 * Rows without a key are not ordered.
 *
 * @author Switchboard
 */
public final class PerKeyOrder {

	private PerKeyOrder() {
	}

	/**
	 * Plans the publishes of a batch.
	 * @param <T> the row type
	 * @param batch the locked rows, in id order
	 * @param id the id of a row
	 * @param key the ordering key of a row (channel and message key), or {@code null} when it has none
	 * @param pendingIds for each key of the batch, the ids of all its unpublished rows up to the batch's last id,
	 * in id order, whoever holds them
	 * @return sequences of rows: the rows of one sequence are published one after another, in order; sequences
	 * are independent of each other
	 */
	public static <T> List<List<T>> plan(List<T> batch, ToLongFunction<T> id, Function<T, @Nullable String> key,
			Map<String, List<Long>> pendingIds) {
		List<List<T>> sequences = new ArrayList<>();
		Map<String, List<T>> byKey = new LinkedHashMap<>();
		for (T row : batch) {
			String rowKey = key.apply(row);
			if (rowKey == null) {
				sequences.add(List.of(row));
			}
			else {
				byKey.computeIfAbsent(rowKey, (k) -> new ArrayList<>()).add(row);
			}
		}
		byKey.forEach((rowKey, rows) -> {
			List<Long> pending = pendingIds.getOrDefault(rowKey, List.of());
			List<T> sequence = new ArrayList<>();
			for (int i = 0; i < rows.size() && i < pending.size(); i++) {
				if (id.applyAsLong(rows.get(i)) != pending.get(i)) {
					// An earlier row of this key is held elsewhere or waits for a retry: it goes first.
					break;
				}
				sequence.add(rows.get(i));
			}
			if (!sequence.isEmpty()) {
				sequences.add(List.copyOf(sequence));
			}
		});
		return sequences;
	}

}
