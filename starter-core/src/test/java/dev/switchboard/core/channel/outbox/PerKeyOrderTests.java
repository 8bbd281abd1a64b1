package dev.switchboard.core.channel.outbox;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PerKeyOrder}.
 *
 * @author Switchboard
 */
class PerKeyOrderTests {

	@Test
	void rowsOfOneKeyFormOneSequenceInIdOrderAndRowsWithoutKeyStandAlone() {
		List<Row> batch = List.of(new Row(1, "a"), new Row(2, null), new Row(3, "b"), new Row(4, "a"),
				new Row(5, null));
		List<List<Row>> plan = plan(batch, Map.of("a", List.of(1L, 4L), "b", List.of(3L)));
		assertThat(plan).containsExactlyInAnyOrder(List.of(new Row(2, null)), List.of(new Row(5, null)),
				List.of(new Row(1, "a"), new Row(4, "a")), List.of(new Row(3, "b")));
	}

	@Test
	void aKeyWhoseEarlierRowIsHeldElsewhereWaits() {
		// Row 1 of key a is locked by another relay or waits for a retry: rows 2 and 3 must not overtake it.
		List<List<Row>> plan = plan(List.of(new Row(2, "a"), new Row(3, "a"), new Row(4, "b")),
				Map.of("a", List.of(1L, 2L, 3L), "b", List.of(4L)));
		assertThat(plan).containsExactly(List.of(new Row(4, "b")));
	}

	@Test
	void aSequenceStopsAtTheFirstGap() {
		// Row 3 of key a is held elsewhere: row 2 goes, row 5 waits for it.
		List<List<Row>> plan = plan(List.of(new Row(2, "a"), new Row(5, "a")), Map.of("a", List.of(2L, 3L, 5L)));
		assertThat(plan).containsExactly(List.of(new Row(2, "a")));
	}

	@Test
	void aKeyWithoutPendingIdsPublishesNothing() {
		assertThat(plan(List.of(new Row(1, "a")), Map.of())).isEmpty();
	}

	private static List<List<Row>> plan(List<Row> batch, Map<String, List<Long>> pending) {
		return PerKeyOrder.plan(batch, Row::id, Row::key, pending);
	}

	record Row(long id, @Nullable String key) {
	}

}
