package dev.switchboard.autoconfigure.channel.outbox;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link OutboxHeaders}, the JSON of the outbox {@code headers} column.
 *
 * @author Switchboard
 */
class OutboxHeadersTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void everyHeaderTypeSurvivesTheColumn() {
		Map<String, Object> headers = new LinkedHashMap<>();
		headers.put("text", "hello");
		headers.put("flag", true);
		headers.put("priority", 5);
		headers.put("big", 5_000_000_000L);
		headers.put("small", 5L);
		headers.put("short", (short) 7);
		headers.put("byte", (byte) -1);
		headers.put("ratio", 0.1d);
		headers.put("half", 1.5f);
		headers.put("price", new BigDecimal("12.50"));
		headers.put("bytes", new byte[] { 0, (byte) 0xff });
		String column = OutboxHeaders.write(this.json, headers);
		assertThat(column).contains("\"text\":\"hello\"", "\"flag\":true", "\"priority\":5",
				"\"small\":{\"type\":\"Long\",\"value\":\"5\"}", "\"bytes\":{\"type\":\"byte[]\",\"value\":\"AP8=\"}");
		Map<String, Object> read = OutboxHeaders.read(this.json, column);
		assertThat(read).containsOnlyKeys(headers.keySet());
		headers.forEach((name, value) -> assertThat(read.get(name)).as(name).isEqualTo(value));
	}

	@Test
	void rowsWrittenWhenHeadersWereTextReadAsText() {
		assertThat(OutboxHeaders.read(this.json, "{\"contentType\":\"application/json\",\"priority\":\"5\"}"))
			.containsExactly(Map.entry("contentType", "application/json"), Map.entry("priority", "5"));
	}

	@Test
	void unknownTypeFailsNamingTheHeader() {
		assertThatIllegalStateException()
			.isThrownBy(() -> OutboxHeaders.read(this.json, "{\"at\":{\"type\":\"Instant\",\"value\":\"x\"}}"))
			.withMessage("Outbox header 'at' has the unknown type 'Instant'");
	}

}
